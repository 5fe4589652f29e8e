/**
 * A consumer: one basic.consume on one session, with its prefetch window and priority.
 */
import type { FieldTable } from './field-values.js';
import type { QueuedMessage } from './message.js';
import type { CancelHandler, ConsumerInfo, DeliveryHandler } from './types.js';
import type { BrokerQueue } from './queue-base.js';

/** What a consumer needs from the session that owns it. */
export interface ConsumerHost {
  readonly vhost: string;
  readonly connectionId: string;
  /** False while the session is paused, flow-stopped or closed. */
  readonly deliveriesAllowed: boolean;
  /** True while the session-wide (global) prefetch limit allows another unacked delivery. */
  hasChannelCapacity(): boolean;
  /** Hands a message to the consumer (assigns a delivery tag, tracks it, calls onDelivery). */
  deliver(consumer: Consumer, queue: BrokerQueue, message: QueuedMessage): void;
  /** The broker cancelled the consumer (queue deleted). */
  consumerCancelled(consumer: Consumer): void;
}

/** A registered consumer. */
export class Consumer {
  /** Deliveries not yet acked, nacked or rejected. */
  unacked = 0;

  constructor(
    readonly tag: string,
    readonly host: ConsumerHost,
    readonly queue: BrokerQueue,
    readonly noAck: boolean,
    readonly exclusive: boolean,
    readonly priority: number,
    /** Per-consumer prefetch limit (0 = unlimited). */
    readonly prefetch: number,
    readonly args: FieldTable,
    readonly onDelivery: DeliveryHandler,
    readonly onCancel: CancelHandler,
  ) {}

  /** True if a delivery may be pushed to this consumer now. */
  canReceive(): boolean {
    if (!this.host.deliveriesAllowed) return false;
    if (this.noAck) return true;
    return (this.prefetch === 0 || this.unacked < this.prefetch) && this.host.hasChannelCapacity();
  }

  /** Admin view. */
  info(): ConsumerInfo {
    return {
      vhost: this.host.vhost,
      queue: this.queue.name,
      consumerTag: this.tag,
      connectionId: this.host.connectionId,
      noAck: this.noAck,
      exclusive: this.exclusive,
      priority: this.priority,
      prefetchCount: this.prefetch,
    };
  }
}
