/**
 * What every queue type shares: its definition, its consumers (exclusive, priorities, single active
 * consumer), auto-delete and x-expires, and the interface sessions and routing use.
 */
import { BrokerError } from '../errors.js';
import type { Consumer } from './consumer.js';
import type { DeadLetterReason } from './dead-letter.js';
import type { BindingTarget } from './exchange.js';
import type { FieldTable } from './field-values.js';
import { QueueFlow } from './flow.js';
import type { MessageContent, QueuedMessage, SharedRecord } from './message.js';
import type { QueueSettings } from './queue-arguments.js';
import type { QueueInfo } from './types.js';

/** Declared properties of a queue. */
export interface QueueDefinition {
  readonly name: string;
  readonly durable: boolean;
  readonly autoDelete: boolean;
  /** Connection owning an exclusive queue. */
  readonly exclusiveOwner?: string;
  readonly arguments: FieldTable;
  /** Name of the (first) log holding its messages. */
  readonly logName: string;
}

/** Services a queue needs from its vhost. */
export interface QueueHooks {
  /** Routes a message that died in `queue` to the queue's dead-letter exchange. */
  deadLetter(queue: BrokerQueue, message: MessageContent, reason: DeadLetterReason): void;
  /** The queue became eligible for deletion (auto-delete after its last consumer, or x-expires). */
  deleteUnused(queue: BrokerQueue): void;
  /** A background storage failure. */
  error(queue: BrokerQueue, err: unknown): void;
}

/** True if a queue's definition and messages survive a restart (durable and not exclusive). */
export function isPersisted(definition: QueueDefinition): boolean {
  return definition.durable && definition.exclusiveOwner === undefined;
}

/** How a queue took a published message. */
export type EnqueueResult = { rejected: true } | { rejected: false; stored: Promise<void> | undefined };

/** The enqueue outcome of a message taken without a write to wait for (delivered at once). */
export const TAKEN_AT_ONCE: EnqueueResult = Object.freeze({ rejected: false, stored: undefined });

/** The enqueue outcome of a refused message. */
export const REFUSED: EnqueueResult = Object.freeze({ rejected: true });

/** Base of classic/quorum queues and streams. */
export abstract class BrokerQueue implements BindingTarget {
  readonly kind = 'queue' as const;
  /** Consumers in registration order. */
  protected consumers: Consumer[] = [];
  deleted = false;
  /** Publisher flow control: pressure while the queue takes messages in faster than it absorbs them. */
  readonly flow = new QueueFlow();
  private hadConsumer = false;
  private expiresTimer: NodeJS.Timeout | undefined;
  private dispatchScheduled = false;
  private roundRobin = 0;

  constructor(
    readonly vhost: string,
    readonly definition: QueueDefinition,
    readonly settings: QueueSettings,
    protected readonly hooks: QueueHooks,
  ) {
    this.touch();
  }

  get name(): string {
    return this.definition.name;
  }

  get durable(): boolean {
    return this.definition.durable;
  }

  get consumerCount(): number {
    return this.consumers.length;
  }

  /** Ready messages. */
  abstract get readyCount(): number;
  /** Messages delivered and not yet settled. */
  abstract get unackedCount(): number;
  /** Ready messages decoded and held in memory. */
  abstract get cachedCount(): number;
  /**
   * Stores a routed message; `record` is its log record, shared by every queue it goes to. With
   * `deferSync` nobody waits for it to be durable, so its fdatasync may be put off a little.
   */
  abstract enqueue(content: MessageContent, record: SharedRecord, deferSync: boolean): EnqueueResult;
  /** basic.get: takes the next ready message (marked out for delivery unless noAck). */
  abstract get(noAck: boolean): Promise<QueuedMessage | undefined>;
  /** A delivered message was acked. */
  abstract ack(message: QueuedMessage): void;
  /** A delivered message comes back (nack/reject with requeue, recover, channel close). */
  abstract requeue(message: QueuedMessage): void;
  /** A delivered message was rejected without requeue: dead-letter it or drop it. */
  abstract reject(message: QueuedMessage): void;
  /** Removes ready messages; returns how many. */
  abstract purge(): number;
  /** Pushes ready messages to consumers that can take them. */
  protected abstract dispatch(): void;
  /** Releases storage: deletes the logs (delete) or just closes them (shutdown). */
  abstract release(deleteLogs: boolean): Promise<void>;

  /** The delivery-count header value for a redelivery, when the queue reports one (quorum semantics). */
  deliveryCountHeader(_message: QueuedMessage): number | undefined {
    return undefined;
  }

  /** 405 unless `connectionId` may use this queue (exclusive queues belong to their connection). */
  checkAccess(connectionId: string): void {
    const owner = this.definition.exclusiveOwner;
    if (owner !== undefined && owner !== connectionId) throw this.lockedError();
  }

  /** The 405 RESOURCE_LOCKED error for this queue. */
  lockedError(): BrokerError {
    return new BrokerError(
      'RESOURCE_LOCKED',
      `cannot obtain exclusive access to locked queue '${this.name}' in vhost '${this.vhost}'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.`,
    );
  }

  /** Registers a consumer; 403 if exclusivity forbids it. */
  addConsumer(consumer: Consumer): void {
    if (this.consumers.some((c) => c.exclusive) || (consumer.exclusive && this.consumers.length > 0)) {
      throw new BrokerError('ACCESS_REFUSED', `queue '${this.name}' in vhost '${this.vhost}' in exclusive use`);
    }
    this.consumers.push(consumer);
    this.hadConsumer = true;
    clearTimeout(this.expiresTimer);
    this.scheduleDispatch();
  }

  /** Unregisters a consumer; the last one leaving an auto-delete queue deletes it. */
  removeConsumer(consumer: Consumer): void {
    const i = this.consumers.indexOf(consumer);
    if (i < 0) return;
    this.consumers.splice(i, 1);
    if (this.consumers.length > 0) {
      this.scheduleDispatch();
      return;
    }
    if (this.definition.autoDelete && this.hadConsumer) this.hooks.deleteUnused(this);
    else this.touch();
  }

  /** Marks the queue as used now (declare, get): restarts the x-expires countdown while it has no consumers. */
  touch(): void {
    const expires = this.settings.expires;
    if (expires === undefined || this.deleted || this.consumers.length > 0) return;
    clearTimeout(this.expiresTimer);
    this.expiresTimer = setTimeout(() => {
      if (!this.deleted && this.consumers.length === 0) this.hooks.deleteUnused(this);
    }, expires);
    this.expiresTimer.unref();
  }

  /** Reports a background failure, unless the queue is being deleted (its logs are going away). */
  protected fail(err: unknown): void {
    if (!this.deleted) this.hooks.error(this, err);
  }

  /** Runs dispatch once after the current turn (coalescing repeated requests). */
  scheduleDispatch(): void {
    if (this.dispatchScheduled || this.deleted) return;
    this.dispatchScheduled = true;
    queueMicrotask(() => {
      this.dispatchScheduled = false;
      if (!this.deleted) this.dispatch();
    });
  }

  /** Marks the queue deleted and cancels its consumers (each session is told). */
  markDeleted(): Consumer[] {
    this.deleted = true;
    clearTimeout(this.expiresTimer);
    const cancelled = this.consumers;
    this.consumers = [];
    for (const c of cancelled) c.host.consumerCancelled(c);
    return cancelled;
  }

  /**
   * The consumer to receive the next message: the single active one, or among those able to receive,
   * the highest priority, round-robin within it. Undefined if none can receive.
   */
  protected pickConsumer(): Consumer | undefined {
    const list = this.consumers;
    if (list.length === 0) return undefined;
    if (this.settings.singleActiveConsumer) return list[0].canReceive() ? list[0] : undefined;
    if (list.length === 1) return list[0].canReceive() ? list[0] : undefined;
    let best: number | undefined;
    for (const c of list) if (c.canReceive() && (best === undefined || c.priority > best)) best = c.priority;
    if (best === undefined) return undefined;
    for (let k = 0; k < list.length; k++) {
      const i = (this.roundRobin + k) % list.length;
      const c = list[i];
      if (c.priority === best && c.canReceive()) {
        this.roundRobin = i + 1;
        return c;
      }
    }
    return undefined;
  }

  /** Admin view. */
  info(): QueueInfo {
    const d = this.definition;
    return {
      vhost: this.vhost,
      name: d.name,
      type: this.settings.type,
      durable: d.durable,
      autoDelete: d.autoDelete,
      exclusive: d.exclusiveOwner !== undefined,
      arguments: d.arguments,
      messagesReady: this.readyCount,
      messagesUnacknowledged: this.unackedCount,
      messagesInMemory: this.cachedCount,
      consumers: this.consumers.length,
    };
  }

  /** The consumers, for introspection. */
  listConsumers(): readonly Consumer[] {
    return this.consumers;
  }
}
