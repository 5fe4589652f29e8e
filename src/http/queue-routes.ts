import type { QueueBroker, QueueInfo } from '../core/queues/index.js';
import { BrokerError } from '../core/errors.js';
import { route, type AdminRoute } from './admin-server.js';

/**
 * Admin API for the RabbitMQ model, shaped like RabbitMQ's management API: vhosts, queues with their depth,
 * exchanges, bindings and consumers, each listable for all vhosts or one.
 */
export function queueRoutes(queues: () => QueueBroker): AdminRoute[] {
  const listings = {
    exchanges: (vhost?: string) => queues().listExchanges(vhost),
    queues: (vhost?: string) => queues().listQueues(vhost).map(queueView),
    bindings: (vhost?: string) => queues().listBindings(vhost),
    consumers: (vhost?: string) => queues().listConsumers(vhost),
  };
  return [
    route('GET', '/api/vhosts', () => ({ status: 200, body: queues().listVhosts().map((name) => ({ name })) })),
    ...Object.entries(listings).flatMap(([kind, list]) => [
      route('GET', `/api/${kind}`, () => ({ status: 200, body: list() })),
      route('GET', `/api/${kind}/:vhost`, ({ vhost }) => ({ status: 200, body: list(vhost) })),
    ]),
    route('GET', '/api/queues/:vhost/:name', ({ vhost, name }) => {
      const queue = queues().listQueues(vhost).find((q) => q.name === name);
      if (!queue) throw new BrokerError('NOT_FOUND', `no queue '${name}' in vhost '${vhost}'`);
      return { status: 200, body: queueView(queue) };
    }),
  ];
}

/** A queue as RabbitMQ's management API names its fields. */
function queueView(queue: QueueInfo) {
  return {
    name: queue.name,
    vhost: queue.vhost,
    type: queue.type,
    durable: queue.durable,
    auto_delete: queue.autoDelete,
    exclusive: queue.exclusive,
    arguments: queue.arguments,
    messages: queue.messagesReady + queue.messagesUnacknowledged,
    messages_ready: queue.messagesReady,
    messages_unacknowledged: queue.messagesUnacknowledged,
    messages_in_memory: queue.messagesInMemory,
    consumers: queue.consumers,
  };
}
