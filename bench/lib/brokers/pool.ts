import { startNats } from './nats.js';
import { startRabbitMq } from './rabbitmq.js';
import { startSocketSink } from './socket-sink.js';
import { startSwitchyard } from './switchyard.js';
import type { BrokerHandle, BrokerKind } from './types.js';

const STARTERS: Record<BrokerKind, () => Promise<BrokerHandle>> = {
  switchyard: () => startSwitchyard('switchyard'),
  'switchyard-nofsync': () => startSwitchyard('switchyard-nofsync'),
  'switchyard-memory': () => startSwitchyard('switchyard-memory'),
  rabbitmq: startRabbitMq,
  nats: startNats,
  'socket-sink': startSocketSink,
};

/**
 * The brokers of one scenario, started on first use and kept for its following rows (RabbitMQ takes
 * 5 to 10 s to boot). A broker that died is started again; `discard` stops one so the next row gets a new one.
 */
export class BrokerPool {
  private readonly running = new Map<BrokerKind, Promise<BrokerHandle>>();
  private readonly stopping: Promise<void>[] = [];
  private closed = false;

  /** The running broker of that kind, starting it if needed (refused once `stopAll` was called). */
  async get(kind: BrokerKind): Promise<BrokerHandle> {
    if (this.closed) throw new Error('the suite is stopping');
    const existing = this.running.get(kind);
    if (existing) {
      const handle = await existing.catch(() => undefined);
      if (handle?.alive()) return handle;
      await this.discard(kind);
    }
    const starting = STARTERS[kind]();
    this.running.set(kind, starting);
    starting.catch(() => this.running.delete(kind));
    return starting;
  }

  /** Stops the broker of that kind (if any); the next `get` starts a new one. */
  discard(kind: BrokerKind): Promise<void> {
    const existing = this.running.get(kind);
    this.running.delete(kind);
    const stopped = (async () => {
      const handle = await existing?.catch(() => undefined);
      await handle?.stop();
    })();
    this.stopping.push(stopped);
    return stopped;
  }

  /** Stops every broker started by this pool, waits for stops already under way, and refuses to start more. */
  async stopAll(): Promise<void> {
    this.closed = true;
    for (const kind of [...this.running.keys()]) void this.discard(kind);
    await Promise.allSettled(this.stopping);
  }
}
