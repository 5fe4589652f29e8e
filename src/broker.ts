import { resolve } from 'node:path';
import type { ProtocolListener } from './core/listener.js';
import { QueueBroker } from './core/queues/index.js';
import { StreamBroker } from './core/streams/index.js';
import { startAmqpServer } from './amqp/server.js';
import { startKafkaServer } from './kafka/server.js';
import { startAdminServer } from './http/admin-server.js';
import { adminRoutes } from './http/routes.js';
import { FileLogStore } from './storage/file/file-log-store.js';
import { MemoryLogStore } from './storage/memory-store.js';
import type { FsyncMode, LogStore } from './storage/types.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { ResourceAlarm, type ResourceLimits } from './resource-alarm.js';

/** Where one listener binds. Port 0 picks a free port. */
export interface ListenerOptions {
  port: number;
  /** Defaults to the broker-wide `host`. */
  host?: string;
}

/** Everything a broker can be started with; every listener is optional (none: embedded use only). */
export interface BrokerOptions {
  /** Directory of the logs and metadata (default `./data`); unused with `storage: 'memory'`. */
  dataDir?: string;
  /** `file` (default) keeps data durable on disk; `memory` keeps nothing across restarts. */
  storage?: 'file' | 'memory';
  /** When acknowledgements wait for the disk: `batch` (default, group commit), `always`, `never` (unsafe on power loss). */
  fsync?: FsyncMode;
  /** Address listeners bind to unless they name their own (default 127.0.0.1). */
  host?: string;
  amqp?: ListenerOptions & { users?: { username: string; password: string }[]; maxMessageBytes?: number };
  kafka?: ListenerOptions & {
    advertisedHost?: string;
    autoCreateTopics?: boolean;
    /** With users, clients must authenticate with SASL PLAIN or SCRAM-SHA-256. */
    saslUsers?: { username: string; password: string }[];
    /** Largest request accepted (default 100 MiB); a larger one closes the connection, as Kafka does. */
    maxRequestBytes?: number;
  };
  http?: ListenerOptions;
  /** Memory and disk limits past which AMQP publishers are blocked (connection.blocked). */
  resourceLimits?: ResourceLimits;
}

/** The bound address of each started listener. */
export interface BrokerAddresses {
  amqp?: { host: string; port: number };
  kafka?: { host: string; port: number };
  http?: { host: string; port: number };
}

/**
 * A running Switchyard broker: one log store, the queue (AMQP) and stream (Kafka) models on top of it,
 * and the protocol listeners asked for. `Broker.start` resolves once every log is recovered and every
 * listener is bound; `close` stops accepting, flushes, fsyncs and marks a clean shutdown.
 */
export class Broker {
  private readonly listeners: ProtocolListener[] = [];
  private readonly boundAddresses: BrokerAddresses = {};
  private closing: Promise<void> | undefined;
  private started = false;
  private alarm: ResourceAlarm | undefined;

  private constructor(
    /** The log store under both models. */
    readonly store: LogStore,
    /** The RabbitMQ model: exchanges, queues, consumers. */
    readonly queues: QueueBroker,
    /** The Kafka model: topics, partitions, groups, producers, transactions. */
    readonly streams: StreamBroker,
    private readonly lock: DataDirLock | undefined,
  ) {}

  /** Opens the store, recovers both models, then binds the listeners that `options` asks for. */
  static async start(options: BrokerOptions = {}): Promise<Broker> {
    const host = options.host ?? '127.0.0.1';
    const memory = options.storage === 'memory';
    const dataDir = resolve(options.dataDir ?? 'data');
    const lock = memory ? undefined : await lockDataDir(dataDir);
    let store: LogStore | undefined;
    let broker: Broker | undefined;
    const early: ProtocolListener[] = [];
    try {
      // The admin API comes up first so that scripts can poll /api/health while logs recover.
      let readiness: () => Broker | undefined = () => undefined;
      if (options.http) {
        early.push(await startAdminServer(adminRoutes(() => readiness()), { host: options.http.host ?? host, port: options.http.port }));
      }
      store = memory ? new MemoryLogStore() : await FileLogStore.open(dataDir, { fsync: options.fsync ?? 'batch' });
      const queues = await QueueBroker.open(store, { maxMessageBytes: options.amqp?.maxMessageBytes });
      const streams = await StreamBroker.open(store, { autoCreateTopics: options.kafka?.autoCreateTopics });
      broker = new Broker(store, queues, streams, lock);
      for (const listener of early) broker.adopt(listener);
      if (options.amqp) {
        const { port, users, maxMessageBytes } = options.amqp;
        const amqp = await startAmqpServer(queues, { host: options.amqp.host ?? host, port, users, maxMessageBytes });
        broker.adopt(amqp);
        broker.alarm = new ResourceAlarm(memory ? undefined : dataDir, options.resourceLimits ?? {}, (reason) => {
          if (reason) console.warn(`switchyard: resource alarm: ${reason}; blocking publishers`);
          else console.warn('switchyard: resource alarm cleared; publishers unblocked');
          amqp.setBlocked(reason);
        });
        await broker.alarm.check();
        broker.alarm.start();
      }
      if (options.kafka) {
        const { port, advertisedHost, saslUsers, maxRequestBytes } = options.kafka;
        broker.adopt(await startKafkaServer(streams, { host: options.kafka.host ?? host, port, advertisedHost, saslUsers, maxRequestBytes }));
      }
      broker.started = true;
      const ready = broker;
      readiness = () => ready;
      return broker;
    } catch (error) {
      if (broker) await broker.close();
      else {
        await Promise.all(early.map((listener) => listener.close()));
        await store?.close();
        await lock?.release();
      }
      throw error;
    }
  }

  /** Addresses of the listeners, with the real ports picked for port 0. */
  get addresses(): BrokerAddresses {
    return { ...this.boundAddresses };
  }

  /** True once every log is recovered and every listener is bound, until close begins. */
  get ready(): boolean {
    return this.started && !this.closing;
  }

  /** Stops accepting, closes client connections, flushes and fsyncs every log, marks a clean shutdown. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private adopt(listener: ProtocolListener): void {
    this.listeners.push(listener);
    this.boundAddresses[listener.protocol as keyof BrokerAddresses] = listener.address;
  }

  private async shutdown(): Promise<void> {
    this.alarm?.stop();
    try {
      await Promise.allSettled(this.listeners.map((listener) => listener.close()));
      // Each model closes even if the other failed; the store always closes last, then the lock goes.
      const models = await Promise.allSettled([this.queues.close(), this.streams.close()]);
      await this.store.close();
      const failed = models.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
    } finally {
      await this.lock?.release();
    }
  }
}
