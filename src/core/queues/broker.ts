/**
 * The queue broker: vhosts over one log store. Opening it replays the durable definitions, reopens
 * durable queues with their persistent messages (unacked ones come back ready, in order, marked
 * redelivered), and deletes the logs of queues that did not survive (transient, exclusive, deleted).
 */
import type { LogStore } from '../../storage/types.js';
import { BrokerError } from '../errors.js';
import { MetadataLog } from './metadata.js';
import { QueueSession } from './session.js';
import type { BindingInfo, ConsumerInfo, ExchangeInfo, ExchangeType, QueueBrokerOptions, QueueInfo, Session } from './types.js';
import { QUEUE_LOG_PREFIX, Vhost } from './vhost.js';

const DEFAULT_VHOST = '/';
const DEFAULT_MAX_MESSAGE_BYTES = 128 * 1024 * 1024;

/** The RabbitMQ model of the broker. */
export class QueueBroker {
  private readonly vhosts = new Map<string, Vhost>();
  private readonly sessions = new Set<QueueSession>();
  private readonly maxMessageBytes: number;
  private closed = false;

  private constructor(
    private readonly store: LogStore,
    private readonly metadata: MetadataLog,
    options: QueueBrokerOptions,
  ) {
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  /** Opens the broker over `store`, recovering durable definitions and messages. */
  static async open(store: LogStore, options: QueueBrokerOptions = {}): Promise<QueueBroker> {
    const metadata = await MetadataLog.open(store);
    const broker = new QueueBroker(store, metadata, options);
    if (metadata.state.vhosts.size === 0) await metadata.record({ op: 'vhost.add', name: DEFAULT_VHOST });
    await broker.restore();
    return broker;
  }

  /** Opens a session (one per AMQP channel) on a vhost; 530 NOT_ALLOWED if the vhost does not exist. */
  openSession(vhost: string, connectionId: string): Session {
    if (this.closed) throw new BrokerError('CONNECTION_FORCED', 'broker is shutting down');
    const session = new QueueSession(this.vhost(vhost), connectionId, this.maxMessageBytes, (s) => this.sessions.delete(s));
    this.sessions.add(session);
    return session;
  }

  /** Called when a connection closes (after its sessions): deletes its exclusive queues. */
  async closeConnection(connectionId: string): Promise<void> {
    await Promise.all([...this.vhosts.values()].map((v) => v.closeConnection(connectionId)));
  }

  /** True if the vhost exists. */
  hasVhost(name: string): boolean {
    return this.vhosts.has(name);
  }

  /** Names of the vhosts. */
  listVhosts(): string[] {
    return [...this.vhosts.keys()];
  }

  /** Creates a vhost (no-op if it exists). */
  async addVhost(name: string): Promise<void> {
    if (this.vhosts.has(name)) return;
    this.vhosts.set(name, this.newVhost(name));
    await this.metadata.record({ op: 'vhost.add', name });
  }

  /** Deletes a vhost with everything in it. */
  async deleteVhost(name: string): Promise<void> {
    const vhost = this.vhost(name);
    for (const s of [...this.sessions]) if (s.vhost === name) await s.close();
    this.vhosts.delete(name);
    await Promise.all([...vhost.queues.values()].map((q) => vhost.deleteQueue(q, {})));
    await this.metadata.record({ op: 'vhost.delete', name });
  }

  /** Exchanges, optionally of one vhost. */
  listExchanges(vhost?: string): ExchangeInfo[] {
    return this.select(vhost).flatMap((v) => [...v.exchanges.values()].map((e) => e.info()));
  }

  /** Queues with their depth and consumer count, optionally of one vhost. */
  listQueues(vhost?: string): QueueInfo[] {
    return this.select(vhost).flatMap((v) => [...v.queues.values()].map((q) => q.info()));
  }

  /** Explicit bindings (the default exchange's implicit ones are not listed), optionally of one vhost. */
  listBindings(vhost?: string): BindingInfo[] {
    return this.select(vhost).flatMap((v) =>
      [...v.exchanges.values()].flatMap((e) =>
        [...e.bindings.values()].map((b) => ({
          vhost: v.name,
          source: e.name,
          destination: b.destination.name,
          destinationType: b.destination.kind,
          routingKey: b.routingKey,
          arguments: b.arguments,
        })),
      ),
    );
  }

  /** Consumers, optionally of one vhost. */
  listConsumers(vhost?: string): ConsumerInfo[] {
    return this.select(vhost).flatMap((v) => [...v.queues.values()].flatMap((q) => q.listConsumers().map((c) => c.info())));
  }

  /** Closes every session (returning unacked messages), then every queue and the metadata log. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.sessions]) await s.close();
    await Promise.all([...this.vhosts.values()].map((v) => v.close()));
    await this.metadata.close();
  }

  private vhost(name: string): Vhost {
    const v = this.vhosts.get(name);
    if (!v) throw new BrokerError('NOT_ALLOWED', `vhost '${name}' not found`);
    return v;
  }

  private select(vhost: string | undefined): Vhost[] {
    return vhost === undefined ? [...this.vhosts.values()] : [this.vhost(vhost)];
  }

  private newVhost(name: string): Vhost {
    return new Vhost(name, {
      store: this.store,
      metadata: this.metadata,
      reportError: (err) => console.error(`queue broker: background failure in vhost '${name}':`, err),
    });
  }

  /** Rebuilds vhosts, durable exchanges, queues and bindings from the metadata, and removes orphaned queue logs. */
  private async restore(): Promise<void> {
    const state = this.metadata.state;
    for (const name of state.vhosts) this.vhosts.set(name, this.newVhost(name));
    for (const e of state.exchanges.values()) {
      this.vhosts.get(e.vhost)?.restoreExchange({
        name: e.name,
        type: e.type as ExchangeType,
        durable: true,
        autoDelete: e.autoDelete,
        internal: e.internal,
        arguments: e.arguments,
      });
    }
    const kept: string[] = [];
    for (const q of state.queues.values()) {
      const vhost = this.vhosts.get(q.vhost);
      if (!vhost) continue;
      const queue = await vhost.openQueue({ name: q.name, durable: true, autoDelete: q.autoDelete, arguments: q.arguments, logName: q.logName }, true);
      vhost.adoptQueue(queue);
      kept.push(q.logName);
    }
    for (const b of state.bindings.values()) this.vhosts.get(b.vhost)?.restoreBinding(b);
    for (const name of await this.store.list()) {
      if (!name.startsWith(QUEUE_LOG_PREFIX)) continue;
      if (kept.some((logName) => name === logName || name.startsWith(`${logName}.`))) continue;
      await this.store.delete(name);
    }
  }
}
