import type { Broker } from '../broker.js';
import { BrokerError } from '../core/errors.js';
import type { AdminRoute } from './admin-server.js';
import { queueRoutes } from './queue-routes.js';
import { streamRoutes } from './stream-routes.js';

/**
 * The admin API's routes. `current` returns the broker once it is ready (undefined while logs are
 * still recovering), so that /api/health can answer 503 during startup and 200 after.
 */
export function adminRoutes(current: () => Broker | undefined): AdminRoute[] {
  const started = () => {
    const broker = current();
    if (!broker) throw new BrokerError('COORDINATOR_LOAD_IN_PROGRESS', 'the broker is still starting');
    return broker;
  };
  return [
    (request, url) => {
      if (request.method !== 'GET' || url.pathname !== '/api/health') return undefined;
      const broker = current();
      if (!broker?.ready) return { status: 503, body: { status: 'starting' } };
      return { status: 200, body: { status: 'ok', listeners: broker.addresses } };
    },
    (request, url) => {
      if (request.method !== 'GET' || url.pathname !== '/api/overview') return undefined;
      const broker = current();
      if (!broker) return { status: 503, body: { status: 'starting' } };
      return {
        status: 200,
        body: {
          product: 'switchyard',
          version: process.env.npm_package_version ?? '0.1.0',
          node: process.version,
          uptime_seconds: Math.round(process.uptime()),
          memory: process.memoryUsage(),
          listeners: broker.addresses,
        },
      };
    },
    ...streamRoutes(() => started().streams),
    ...queueRoutes(() => started().queues),
  ];
}
