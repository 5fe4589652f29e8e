/**
 * A virtual host: its exchanges, queues and bindings, the declare/delete/bind rules RabbitMQ applies
 * to them, message routing (exchange-to-exchange bindings, alternate exchanges) and dead-lettering.
 * Durable definitions are written to the metadata log before a declare completes.
 */
import { randomBytes } from 'node:crypto';
import type { LogStore } from '../../storage/types.js';
import { BrokerError } from '../errors.js';
import { ClassicQueue } from './classic-queue.js';
import { deadLetteredContent, isDeadLetterCycle, originalRoutingKeys, type DeadLetterReason } from './dead-letter.js';
import { Exchange, EXCHANGE_TYPES, bindingIdentity, type Binding, type BindingTarget, type ExchangeDefinition } from './exchange.js';
import type { FieldTable } from './field-values.js';
import type { QueueFlow } from './flow.js';
import { SharedRecord, type MessageContent } from './message.js';
import type { BindingRecord, MetadataLog, QueueRecord } from './metadata.js';
import { assertArgumentsEquivalent, assertFlagEquivalent, checkQueueTypeRules, parseQueueArguments } from './queue-arguments.js';
import { isPersisted, type BrokerQueue, type QueueDefinition, type QueueHooks } from './queue-base.js';
import { StreamQueue } from './stream-queue.js';
import type { ExchangeDeclareOptions, ExchangeType, QueueDeclareOptions } from './types.js';

/** What a vhost needs from the broker. */
export interface VhostContext {
  readonly store: LogStore;
  readonly metadata: MetadataLog;
  /** Reports background failures (storage errors in queues). */
  reportError(err: unknown): void;
}

/** Prefix of the names of queue message logs in the store. */
export const QUEUE_LOG_PREFIX = 'amqp.queue.';

const PREDECLARED: [string, ExchangeType][] = [
  ['', 'direct'],
  ['amq.direct', 'direct'],
  ['amq.fanout', 'fanout'],
  ['amq.topic', 'topic'],
  ['amq.headers', 'headers'],
  ['amq.match', 'headers'],
];

/** The outcome of routing and storing one message. */
export interface RoutedPublish {
  /** Queues the message was routed to. */
  routed: number;
  /** True if a queue refused it (overflow reject-publish). */
  rejected: boolean;
  /** Resolves when the message is stored in every accepting queue. */
  stored: Promise<unknown> | undefined;
  /** The flow control of a queue it went to that is under pressure, if any. */
  pressure: QueueFlow | undefined;
}

/** One vhost. */
export class Vhost {
  readonly exchanges = new Map<string, Exchange>();
  readonly queues = new Map<string, BrokerQueue>();
  /** Bindings by destination, to unbind everything pointing at a deleted queue or exchange. */
  private readonly incoming = new Map<BindingTarget, Set<Binding>>();
  private readonly declaring = new Map<string, Promise<unknown>>();
  private readonly hooks: QueueHooks;

  constructor(
    readonly name: string,
    private readonly ctx: VhostContext,
  ) {
    for (const [n, type] of PREDECLARED) {
      this.exchanges.set(n, new Exchange(name, { name: n, type, durable: true, autoDelete: false, internal: false, arguments: {} }));
    }
    this.hooks = {
      deadLetter: (queue, content, reason) => this.deadLetter(queue, content, reason),
      deleteUnused: (queue) => {
        if (this.queues.get(queue.name) === queue) this.deleteQueue(queue, {}).catch((err: unknown) => ctx.reportError(err));
      },
      error: (_queue, err) => ctx.reportError(err),
    };
  }

  // ---- exchanges ----

  /** The exchange `name`, or 404. */
  exchange(name: string): Exchange {
    const ex = this.exchanges.get(name);
    if (!ex) throw new BrokerError('NOT_FOUND', `no exchange '${name}' in vhost '${this.name}'`);
    return ex;
  }

  /** exchange.declare with RabbitMQ's rules (reserved names 403, unknown type 503, mismatch 406, passive 404). */
  async declareExchange(name: string, options: ExchangeDeclareOptions): Promise<void> {
    if (options.passive) {
      this.exchange(name);
      return;
    }
    if (name === '') throw this.defaultExchangeRefusal();
    if (!EXCHANGE_TYPES.has(options.type)) throw new BrokerError('COMMAND_INVALID', `unknown exchange type '${options.type}'`);
    const definition: ExchangeDefinition = {
      name,
      type: options.type as ExchangeType,
      durable: options.durable ?? false,
      autoDelete: options.autoDelete ?? false,
      internal: options.internal ?? false,
      arguments: options.arguments ?? {},
    };
    const existing = this.exchanges.get(name);
    if (existing) {
      const d = existing.definition;
      if (d.type !== definition.type) {
        throw new BrokerError('PRECONDITION_FAILED', `inequivalent arg 'type' for exchange '${name}' in vhost '${this.name}': received '${definition.type}' but current is '${d.type}'`);
      }
      assertFlagEquivalent('durable', d.durable, definition.durable, 'exchange', name, this.name);
      assertFlagEquivalent('auto_delete', d.autoDelete, definition.autoDelete, 'exchange', name, this.name);
      assertFlagEquivalent('internal', d.internal, definition.internal, 'exchange', name, this.name);
      assertArgumentsEquivalent(d.arguments, definition.arguments, 'exchange', name, this.name, ['alternate-exchange']);
      return;
    }
    // As RabbitMQ: an existing amq.* exchange may be redeclared (equivalence applies); a new one may not be made.
    if (name.startsWith('amq.')) throw new BrokerError('ACCESS_REFUSED', `exchange name '${name}' contains reserved prefix 'amq.*'`);
    this.exchanges.set(name, new Exchange(this.name, definition));
    if (definition.durable) {
      const { name: n, type, autoDelete, internal, arguments: args } = definition;
      await this.ctx.metadata.record({ op: 'exchange.add', exchange: { vhost: this.name, name: n, type, autoDelete, internal, arguments: args } });
    }
  }

  /** exchange.delete: missing is a no-op; predeclared 403; if-unused with bindings 406. */
  async deleteExchange(name: string, ifUnused: boolean): Promise<void> {
    if (name === '') throw this.defaultExchangeRefusal();
    if (name.startsWith('amq.') && PREDECLARED.some(([n]) => n === name)) {
      throw new BrokerError('ACCESS_REFUSED', `deletion of system exchange '${name}' in vhost '${this.name}' refused`);
    }
    const ex = this.exchanges.get(name);
    if (!ex) return;
    if (ifUnused && ex.bindings.size > 0) throw new BrokerError('PRECONDITION_FAILED', `exchange '${name}' in vhost '${this.name}' in use`);
    await this.removeExchange(ex);
  }

  /** Binds `destination` to exchange `source` (queue.bind / exchange.bind). */
  async bind(source: string, destination: BindingTarget, routingKey: string, args: FieldTable | undefined): Promise<void> {
    const ex = this.bindableSource(source);
    if (destination.kind === 'exchange' && destination.name === '') throw this.defaultExchangeRefusal();
    const before = ex.bindings.size;
    const binding = ex.bind(destination, routingKey, args);
    if (ex.bindings.size === before) return;
    let set = this.incoming.get(destination);
    if (!set) this.incoming.set(destination, (set = new Set()));
    set.add(binding);
    if (this.isDurableBinding(binding)) await this.ctx.metadata.record({ op: 'binding.add', binding: this.bindingRecord(binding) });
  }

  /** Removes a binding (queue.unbind / exchange.unbind); unbinding what is not bound is a no-op. */
  async unbind(source: string, destination: BindingTarget, routingKey: string, args: FieldTable | undefined): Promise<void> {
    const ex = this.bindableSource(source);
    const binding = ex.bindings.get(bindingIdentity(destination, routingKey, args));
    if (binding) await this.removeBinding(binding);
  }

  // ---- queues ----

  /** The queue `name` usable by `connectionId`, or 404 / 405. */
  queue(name: string, connectionId: string): BrokerQueue {
    const q = this.queues.get(name);
    if (!q) throw new BrokerError('NOT_FOUND', `no queue '${name}' in vhost '${this.name}'`);
    q.checkAccess(connectionId);
    return q;
  }

  /** queue.declare with RabbitMQ's rules; `name` is already chosen (server-named queues included). */
  async declareQueue(name: string, options: QueueDeclareOptions, connectionId: string): Promise<BrokerQueue> {
    for (let pending = this.declaring.get(name); pending; pending = this.declaring.get(name)) await pending.catch(() => undefined);
    const existing = this.queues.get(name);
    if (options.passive) {
      const q = this.queue(name, connectionId);
      q.touch();
      return q;
    }
    const durable = options.durable ?? false;
    const autoDelete = options.autoDelete ?? false;
    const exclusive = options.exclusive ?? false;
    const args = options.arguments ?? {};
    if (existing) {
      existing.checkAccess(connectionId);
      if (exclusive && existing.definition.exclusiveOwner === undefined) throw existing.lockedError();
      assertFlagEquivalent('durable', existing.durable, durable, 'queue', name, this.name);
      assertFlagEquivalent('auto_delete', existing.definition.autoDelete, autoDelete, 'queue', name, this.name);
      assertArgumentsEquivalent(existing.definition.arguments, args, 'queue', name, this.name);
      existing.touch();
      return existing;
    }
    const settings = parseQueueArguments(args, name, this.name);
    checkQueueTypeRules(settings, { durable, exclusive, autoDelete }, name, this.name);
    const definition: QueueDefinition = {
      name,
      durable,
      autoDelete,
      exclusiveOwner: exclusive ? connectionId : undefined,
      arguments: args,
      logName: `${QUEUE_LOG_PREFIX}${name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 32)}.${randomBytes(8).toString('hex')}`,
    };
    const opening = this.openQueue(definition, false).then(async (queue) => {
      if (isPersisted(definition)) {
        const record: QueueRecord = { vhost: this.name, name, autoDelete, arguments: args, logName: definition.logName };
        await this.ctx.metadata.record({ op: 'queue.add', queue: record });
      }
      this.queues.set(name, queue);
      return queue;
    });
    this.declaring.set(name, opening);
    try {
      return await opening;
    } finally {
      this.declaring.delete(name);
    }
  }

  /** Opens a queue's storage (recovering its messages when restored from the metadata log). */
  openQueue(definition: QueueDefinition, recover: boolean): Promise<BrokerQueue> {
    const settings = parseQueueArguments(definition.arguments, definition.name, this.name);
    if (settings.type === 'stream') return StreamQueue.open(this.ctx.store, this.name, definition, settings, this.hooks);
    return ClassicQueue.open(this.ctx.store, this.name, definition, settings, this.hooks, recover);
  }

  /** Adds a queue restored from the metadata log. */
  adoptQueue(queue: BrokerQueue): void {
    this.queues.set(queue.name, queue);
  }

  /** queue.delete: if-unused / if-empty 406; cancels consumers; returns the message count. */
  async deleteQueue(queue: BrokerQueue, options: { ifUnused?: boolean; ifEmpty?: boolean }): Promise<number> {
    if (options.ifUnused && queue.consumerCount > 0) throw new BrokerError('PRECONDITION_FAILED', `queue '${queue.name}' in vhost '${this.name}' in use`);
    if (options.ifEmpty && queue.readyCount > 0) throw new BrokerError('PRECONDITION_FAILED', `queue '${queue.name}' in vhost '${this.name}' not empty`);
    if (queue.deleted) return 0;
    const count = queue.readyCount;
    queue.markDeleted();
    this.queues.delete(queue.name);
    await this.removeIncoming(queue);
    if (isPersisted(queue.definition)) await this.ctx.metadata.record({ op: 'queue.delete', vhost: this.name, name: queue.name });
    await queue.release(true);
    return count;
  }

  /** Deletes the exclusive queues of a closed connection. */
  async closeConnection(connectionId: string): Promise<void> {
    const owned = [...this.queues.values()].filter((q) => q.definition.exclusiveOwner === connectionId);
    await Promise.all(owned.map((q) => this.deleteQueue(q, {})));
  }

  /** Releases every queue's storage without deleting anything (shutdown). */
  async close(): Promise<void> {
    const queues = [...this.queues.values()];
    for (const q of queues) q.markDeleted();
    await Promise.all(queues.map((q) => q.release(!isPersisted(q.definition))));
  }

  // ---- routing ----

  /**
   * Routes and stores a message published to `exchange` with these routing keys, skipping queues
   * `exclude` names; `deferSync`: nobody waits for it to be durable.
   */
  publish(exchange: Exchange, routingKeys: string[], content: MessageContent, options: { exclude?: (queue: BrokerQueue) => boolean; deferSync?: boolean } = {}): RoutedPublish {
    const { exclude, deferSync = false } = options;
    let rejected = false;
    let routed = 0;
    let record: SharedRecord | undefined;
    let stored: Promise<unknown> | undefined;
    let allStored: Promise<unknown>[] | undefined;
    let pressure: QueueFlow | undefined;
    for (const q of this.destinations(exchange, routingKeys, content.properties.headers)) {
      if (exclude?.(q)) continue;
      routed++;
      record ??= new SharedRecord(content, Date.now());
      const result = q.enqueue(content, record, deferSync);
      if (q.flow.pressured) pressure = q.flow;
      if (result.rejected) rejected = true;
      else if (result.stored !== undefined) {
        if (stored === undefined) stored = result.stored;
        else (allStored ??= [stored]).push(result.stored);
      }
    }
    return { routed, rejected, stored: allStored ? Promise.all(allStored) : stored, pressure };
  }

  /** The queues a message reaches from `ex` (a direct lookup for the default exchange). */
  private destinations(ex: Exchange, keys: string[], headers: FieldTable | undefined): Iterable<BrokerQueue> {
    if (ex.name === '' && keys.length === 1) {
      const q = this.queues.get(keys[0]);
      return q ? [q] : [];
    }
    const queues = new Set<BrokerQueue>();
    this.route(ex, keys, headers, queues, new Set());
    return queues;
  }

  /** Adds to `out` the queues a message reaches from `ex`; true if it reached any. */
  private route(ex: Exchange, keys: string[], headers: FieldTable | undefined, out: Set<BrokerQueue>, visited: Set<Exchange>): boolean {
    if (visited.has(ex)) return false;
    visited.add(ex);
    let reached = false;
    if (ex.name === '') {
      for (const k of keys) {
        const q = this.queues.get(k);
        if (q) {
          out.add(q);
          reached = true;
        }
      }
    } else {
      const matched = new Set<Binding>();
      for (const k of keys) ex.match(k, headers, matched);
      for (const b of matched) {
        if (b.destination.kind === 'queue') {
          out.add(b.destination as BrokerQueue);
          reached = true;
        } else if (this.route(b.destination as Exchange, keys, headers, out, visited)) {
          reached = true;
        }
      }
    }
    const ae = ex.alternateExchange;
    if (!reached && ae !== undefined) {
      const alternate = this.exchanges.get(ae);
      if (alternate && this.route(alternate, keys, headers, out, visited)) reached = true;
    }
    return reached;
  }

  /** Republishes a message that died in `queue` to its dead-letter exchange (at most once, no confirm). */
  private deadLetter(queue: BrokerQueue, content: MessageContent, reason: DeadLetterReason): void {
    const dlx = queue.settings.deadLetterExchange;
    if (dlx === undefined) return;
    const ex = this.exchanges.get(dlx);
    if (!ex) return;
    const dead = deadLetteredContent(content, queue.name, reason, dlx, Date.now());
    const dlrk = queue.settings.deadLetterRoutingKey;
    if (dlrk !== undefined) dead.routingKey = dlrk;
    const keys = dlrk !== undefined ? [dlrk] : originalRoutingKeys(content);
    const { stored } = this.publish(ex, keys, dead, { exclude: (target) => isDeadLetterCycle(dead, target.name) });
    stored?.catch((err: unknown) => this.ctx.reportError(err));
  }

  // ---- helpers ----

  private bindableSource(name: string): Exchange {
    if (name === '') throw this.defaultExchangeRefusal();
    return this.exchange(name);
  }

  private defaultExchangeRefusal(): BrokerError {
    return new BrokerError('ACCESS_REFUSED', `operation not permitted on the default exchange`);
  }

  private isDurableBinding(b: Binding): boolean {
    if (!b.source.durable || !b.destination.durable) return false;
    return b.destination.kind === 'exchange' || isPersisted((b.destination as BrokerQueue).definition);
  }

  private bindingRecord(b: Binding): BindingRecord {
    return {
      vhost: this.name,
      source: b.source.name,
      destination: b.destination.name,
      destinationType: b.destination.kind,
      routingKey: b.routingKey,
      arguments: b.arguments,
    };
  }

  /** Removes a binding; an auto-delete source left without bindings is deleted. */
  private async removeBinding(binding: Binding): Promise<void> {
    const source = binding.source;
    if (!source.unbind(binding.identity)) return;
    this.incoming.get(binding.destination)?.delete(binding);
    if (this.isDurableBinding(binding)) await this.ctx.metadata.record({ op: 'binding.delete', binding: this.bindingRecord(binding) });
    if (source.definition.autoDelete && source.bindings.size === 0 && this.exchanges.get(source.name) === source) await this.removeExchange(source);
  }

  private async removeIncoming(target: BindingTarget): Promise<void> {
    const set = this.incoming.get(target);
    this.incoming.delete(target);
    if (set) for (const b of [...set]) await this.removeBinding(b);
  }

  private async removeExchange(ex: Exchange): Promise<void> {
    this.exchanges.delete(ex.name);
    for (const b of [...ex.bindings.values()]) {
      ex.unbind(b.identity);
      this.incoming.get(b.destination)?.delete(b);
    }
    await this.removeIncoming(ex);
    if (ex.durable) await this.ctx.metadata.record({ op: 'exchange.delete', vhost: this.name, name: ex.name });
  }

  /** Restores a durable exchange from the metadata log. */
  restoreExchange(definition: ExchangeDefinition): void {
    this.exchanges.set(definition.name, new Exchange(this.name, definition));
  }

  /** Restores a durable binding from the metadata log (skipped if an end is gone). */
  restoreBinding(record: BindingRecord): void {
    const source = this.exchanges.get(record.source);
    const destination = record.destinationType === 'queue' ? this.queues.get(record.destination) : this.exchanges.get(record.destination);
    if (!source || !destination) return;
    const binding = source.bind(destination, record.routingKey, record.arguments);
    let set = this.incoming.get(destination);
    if (!set) this.incoming.set(destination, (set = new Set()));
    set.add(binding);
  }
}
