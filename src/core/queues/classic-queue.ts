/**
 * Classic and quorum queues: FIFO (per priority level) over QueueLogs, with consumers fed in order,
 * message TTL (expiring from the head, as RabbitMQ does), length limits with overflow behaviour,
 * delivery limits and dead-lettering. Quorum queues differ only in reporting `x-delivery-count`.
 */
import type { DecodedRecord } from '../../storage/record-batch.js';
import { QueueLog, type SettleReason } from '../../storage/queue-log.js';
import type { LogConfig, LogStore } from '../../storage/types.js';
import type { DeadLetterReason } from './dead-letter.js';
import { Lane, LOADING, type LaneHost } from './lane.js';
import { LengthLimits } from './length-limits.js';
import { contentFromRecord, expiryTime, isPersistent, queuedMessage, type MessageContent, type QueuedMessage, type SharedRecord } from './message.js';
import { HeadExpiry } from './message-expiry.js';
import type { QueueSettings } from './queue-arguments.js';
import { BrokerQueue, isPersisted, REFUSED, TAKEN_AT_ONCE, type EnqueueResult, type QueueDefinition, type QueueHooks } from './queue-base.js';

/** Name of the log of priority lane `lane` of a queue whose first log is `logName`. */
export function laneLogName(logName: string, lane: number): string {
  return lane === 0 ? logName : `${logName}.p${lane}`;
}

/** A classic or quorum queue. */
export class ClassicQueue extends BrokerQueue {
  private readonly lanes: Lane[] = [];
  private readonly expiry = new HeadExpiry(
    { lanes: this.lanes, isDeleted: () => this.deleted, expire: (lane, m) => this.expire(lane, m), fail: (err) => this.fail(err) },
    this.settings.messageTtl !== undefined,
  );
  private readonly limits = new LengthLimits(this.settings, {
    isDeleted: () => this.deleted,
    storedReadyCount: () => this.storedReadyCount,
    nextReady: () => this.nextReady(),
    drop: (lane, m) => this.discardReady(lane, m, this.deathReason('dropped'), 'maxlen'),
    fail: (err) => this.fail(err),
  });

  /**
   * Opens the queue's logs. With `recover`, scans the stored messages once: transient messages are
   * dropped (a durable queue keeps only persistent messages across a restart) and sizes are counted.
   */
  static async open(store: LogStore, vhost: string, definition: QueueDefinition, settings: QueueSettings, hooks: QueueHooks, recover: boolean): Promise<ClassicQueue> {
    const queue = new ClassicQueue(vhost, definition, settings, hooks);
    const config: Partial<LogConfig> = isPersisted(definition) ? {} : { fsync: 'never' };
    const laneCount = settings.maxPriority === undefined ? 1 : settings.maxPriority + 1;
    const host: LaneHost = {
      message: (record, lane) => queue.messageFromRecord(record, lane),
      loaded: () => queue.scheduleDispatch(),
      error: (err) => queue.fail(err),
      stored: (lane, content, offset) => queue.appended(lane, content, offset),
      // A failed append is the publisher's error, unless the queue is gone (its logs are closed).
      appendFailed: (err) => {
        if (!queue.deleted) throw err;
      },
      flow: queue.flow,
    };
    for (let i = 0; i < laneCount; i++) {
      const log = await QueueLog.open(store, laneLogName(definition.logName, i), config);
      queue.lanes.push(new Lane(i, log, host));
    }
    if (recover) await queue.recover();
    return queue;
  }

  get readyCount(): number {
    let n = 0;
    for (const lane of this.lanes) n += lane.storedReadyCount + lane.pendingCount;
    return n;
  }

  /** Body bytes of the messages being appended that count as ready. */
  private get pendingBytes(): number {
    let n = 0;
    for (const lane of this.lanes) n += lane.pendingBytes;
    return n;
  }

  /** Ready messages already stored (pending appends excluded). */
  private get storedReadyCount(): number {
    let n = 0;
    for (const lane of this.lanes) n += lane.storedReadyCount;
    return n;
  }

  get unackedCount(): number {
    let n = 0;
    for (const lane of this.lanes) n += lane.inflight.size;
    return n;
  }

  get cachedCount(): number {
    let n = 0;
    for (const lane of this.lanes) n += lane.cachedCount;
    return n;
  }

  enqueue(content: MessageContent, record: SharedRecord, deferSync: boolean): EnqueueResult {
    const size = content.body.length;
    if (this.settings.overflow !== 'drop-head' && this.limits.isFullFor(size, this.readyCount, this.pendingBytes)) {
      if (this.settings.overflow === 'reject-publish-dlx') this.hooks.deadLetter(this, content, 'maxlen');
      return REFUSED;
    }
    const lane = this.laneFor(content);
    if (this.deliverAtOnce(lane, content)) return TAKEN_AT_ONCE;
    return { rejected: false, stored: lane.append(content, record.get(), deferSync) };
  }

  /** A message appended to `lane` is stored at `offset`: it is offered to consumers. */
  private appended(lane: Lane, content: MessageContent, offset: number): void {
    if (this.deleted) return;
    this.limits.storedBytes += content.body.length;
    const expiresAt = expiryTime(content.properties, Date.now(), this.settings.messageTtl);
    const message = queuedMessage(content, offset, lane.index, expiresAt, false);
    lane.offerAppended(message);
    this.dispatch(message);
    if (message.expiresAt !== Infinity) this.expiry.arm(message.expiresAt);
    if (this.settings.overflow === 'drop-head') this.limits.enforce();
  }

  /**
   * Hands a message straight to a no-ack consumer without storing it, when nothing is queued ahead of
   * it and it would not outlive a restart anyway (a transient message, or a queue that is not kept):
   * the outcome is the same as storing it and settling it at delivery. Quorum queues always store.
   */
  private deliverAtOnce(lane: Lane, content: MessageContent): boolean {
    if (this.settings.type !== 'classic' || (isPersisted(this.definition) && isPersistent(content.properties))) return false;
    const consumers = this.consumers;
    if (consumers.length === 0) return false;
    for (const c of consumers) if (!c.noAck) return false;
    for (const l of this.lanes) if (!l.idle) return false;
    const consumer = this.pickConsumer();
    if (!consumer) return false;
    const message = queuedMessage(content, -1, lane.index, expiryTime(content.properties, Date.now(), this.settings.messageTtl), false);
    consumer.host.deliver(consumer, this, message);
    return true;
  }

  /**
   * basic.get. A message routed here before the call counts even while its append is in progress:
   * when no stored message comes before it, the get waits (once) for those appends to land.
   */
  async get(noAck: boolean): Promise<QueuedMessage | undefined> {
    this.touch();
    let waited = false;
    for (;;) {
      if (this.deleted) return undefined;
      const next = this.nextReady();
      if (next instanceof Lane) {
        await next.whenLoaded();
        continue;
      }
      if (!waited) {
        const landing = this.appendsAbove(next === undefined ? -1 : next[0].index);
        if (landing !== undefined) {
          waited = true;
          await landing;
          continue;
        }
      }
      if (next === undefined) return undefined;
      const [lane, message] = next;
      if (message.expiresAt < Date.now()) {
        this.expire(lane, message);
        continue;
      }
      this.hand(lane, message, noAck);
      return message;
    }
  }

  ack(message: QueuedMessage): void {
    if (this.deleted) return;
    this.settleInflight(message, 'ack');
  }

  requeue(message: QueuedMessage): void {
    if (this.deleted) return;
    const lane = this.lanes[message.lane];
    if (!lane.inflight.has(message.offset)) return;
    const count = lane.log.recordReturn(message.offset);
    const limit = this.settings.deliveryLimit;
    if (limit !== undefined && count > limit) {
      this.settleInflight(message, this.deathReason('dropped'));
      this.hooks.deadLetter(this, message, 'delivery_limit');
      return;
    }
    lane.requeue(message);
    this.limits.inflightBytes -= message.body.length;
    if (message.expiresAt !== Infinity) this.expiry.arm(message.expiresAt);
    this.scheduleDispatch();
  }

  reject(message: QueuedMessage): void {
    if (this.deleted) return;
    if (!this.lanes[message.lane].inflight.has(message.offset)) return;
    this.settleInflight(message, this.deathReason('dropped'));
    this.hooks.deadLetter(this, message, 'rejected');
  }

  /** Counts the messages still being appended as ready: purged as they land. */
  purge(): number {
    let purged = 0;
    for (const lane of this.lanes) purged += lane.purgeReady();
    this.limits.storedBytes = this.limits.inflightBytes;
    return purged;
  }

  override deliveryCountHeader(message: QueuedMessage): number | undefined {
    if (this.settings.type !== 'quorum' && this.settings.deliveryLimit === undefined) return undefined;
    const count = this.lanes[message.lane].log.deliveryCount(message.offset);
    return count > 0 ? count : undefined;
  }

  async release(deleteLogs: boolean): Promise<void> {
    this.expiry.stop();
    await Promise.all(this.lanes.map((lane) => lane.release(deleteLogs)));
  }

  /**
   * Resolves once the appends in progress in lanes of priority above `index` have landed (every lane
   * for -1): their messages come before any stored one below. Undefined if there is none.
   */
  private appendsAbove(index: number): Promise<unknown> | undefined {
    let landing: Promise<void>[] | undefined;
    for (let i = this.lanes.length - 1; i > index; i--) {
      const appended = this.lanes[i].whenAppended();
      if (appended !== undefined) (landing ??= []).push(appended);
    }
    if (landing === undefined) return undefined;
    return landing.length === 1 ? landing[0] : Promise.all(landing);
  }

  /**
   * Pushes ready messages to consumers that can take them. `fresh` is a message just stored: it is
   * delivered even if its TTL has already run out (a TTL of 0 means "deliver now or never").
   */
  protected dispatch(fresh?: QueuedMessage): void {
    const now = Date.now();
    while (this.consumers.length > 0) {
      const next = this.nextReady();
      if (next === undefined || next instanceof Lane) break;
      const [lane, message] = next;
      if (message !== fresh && message.expiresAt < now) {
        this.expire(lane, message);
        continue;
      }
      const consumer = this.pickConsumer();
      if (!consumer) break;
      this.hand(lane, message, consumer.noAck);
      consumer.host.deliver(consumer, this, message);
    }
    this.expiry.armHeads();
  }

  /** Takes a ready message for delivery: out for delivery, or settled at once for no-ack. */
  private hand(lane: Lane, message: QueuedMessage, noAck: boolean): void {
    if (noAck) {
      lane.discard(message, 'ack');
      this.limits.storedBytes -= message.body.length;
    } else {
      lane.take(message);
      this.limits.inflightBytes += message.body.length;
    }
  }

  /** The next ready message by priority, the lane being read if it must wait, or undefined. */
  private nextReady(): [Lane, QueuedMessage] | Lane | undefined {
    for (let i = this.lanes.length - 1; i >= 0; i--) {
      const lane = this.lanes[i];
      const m = lane.peek();
      if (m === LOADING) return lane;
      if (m !== undefined) return [lane, m];
    }
    return undefined;
  }

  private laneFor(content: MessageContent): Lane {
    if (this.lanes.length === 1) return this.lanes[0];
    const p = content.properties.priority ?? 0;
    return this.lanes[Math.max(0, Math.min(this.lanes.length - 1, Math.floor(p)))];
  }

  private messageFromRecord(record: DecodedRecord, lane: number): QueuedMessage {
    const content = contentFromRecord(record);
    const expiresAt = expiryTime(content.properties, record.timestamp, this.settings.messageTtl);
    return queuedMessage(content, record.offset, lane, expiresAt, this.lanes[lane].log.deliveryCount(record.offset) > 0);
  }

  private settleInflight(message: QueuedMessage, reason: SettleReason): void {
    const lane = this.lanes[message.lane];
    if (!lane.inflight.has(message.offset)) return;
    lane.settle(message, reason);
    this.limits.inflightBytes -= message.body.length;
    this.limits.storedBytes -= message.body.length;
  }

  private deathReason(otherwise: SettleReason): SettleReason {
    return this.settings.deadLetterExchange !== undefined ? 'dead-lettered' : otherwise;
  }

  private expire(lane: Lane, message: QueuedMessage): void {
    this.discardReady(lane, message, this.deathReason('expired'), 'expired');
  }

  /** Settles a ready message that is not delivered, and dead-letters it for `reason`. */
  private discardReady(lane: Lane, message: QueuedMessage, settle: SettleReason, reason: DeadLetterReason): void {
    lane.discard(message, settle);
    this.limits.storedBytes -= message.body.length;
    this.hooks.deadLetter(this, message, reason);
  }

  private async recover(): Promise<void> {
    let earliestExpiry = Infinity;
    for (const lane of this.lanes) {
      const transient: number[] = [];
      for await (const message of lane.scan()) {
        if (!isPersistent(message.properties)) transient.push(message.offset);
        else {
          this.limits.storedBytes += message.body.length;
          earliestExpiry = Math.min(earliestExpiry, message.expiresAt);
        }
        if (transient.length >= 4096) lane.log.settle(transient.splice(0), 'dropped');
      }
      lane.log.settle(transient, 'dropped');
    }
    if (earliestExpiry !== Infinity) this.expiry.arm(earliestExpiry);
  }
}
