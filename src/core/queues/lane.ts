/**
 * One ordered run of messages of a queue, over a QueueLog (a queue has one lane, or one per priority
 * level with x-max-priority). The backlog stays on disk: the lane keeps in memory only a bounded window
 * of decoded upcoming messages, the messages returned by consumers (requeued, ready again in their
 * original order), and the offsets of messages out for delivery.
 *
 * Ready messages, in delivery order: requeued ones (always older than the window), then the window,
 * then whatever the log holds past `readPos`.
 */
import { decodeRecords, encodeBatch, splitBatches, type DecodedRecord, type RecordInput } from '../../storage/record-batch.js';
import type { QueueLog, SettleReason } from '../../storage/queue-log.js';
import type { MessageContent, QueuedMessage } from './message.js';
import { FLOW_MESSAGE_OVERHEAD, type QueueFlow } from './flow.js';
import { pendingBatch, type PendingBatch } from './pending-batch.js';

/** Returned by peek() when the next message must first be read from the log. */
export const LOADING = Symbol('loading');

const WINDOW_MESSAGES = 1024;
const WINDOW_BYTES = 4 * 1024 * 1024;
const READ_BYTES = 256 * 1024;
/** Messages appended in one turn go to the log as one batch of at most this many messages and body bytes. */
const BATCH_MESSAGES = 1024;
const BATCH_BYTES = 1024 * 1024;

function noop(): void {}

/** What a lane needs from its queue. */
export interface LaneHost {
  /** Turns a stored record into a queued message (expiry and redelivered flag depend on the queue). */
  message(record: DecodedRecord, lane: number): QueuedMessage;
  /** A read from the log completed (successfully or not). */
  loaded(): void;
  /** A background read failed. */
  error(err: unknown): void;
  /** A message appended by `append` is readable at `offset`, not yet durable (not called for messages a purge covered). */
  stored(lane: Lane, content: MessageContent, offset: number): void;
  /** An append failed: throw to fail its publishers, return to ignore it. */
  appendFailed(err: unknown): void;
  /** The queue's flow control: appends count as taken in until the log has them. */
  readonly flow: QueueFlow;
}

/** A priority level of a queue: a log of messages plus its delivery state. */
export class Lane {
  /** Next offset to read from the log into the window. */
  private readPos: number;
  private window: QueuedMessage[] = [];
  private head = 0;
  private windowBytes = 0;
  private readonly requeued: QueuedMessage[] = [];
  private loading: Promise<void> | undefined;
  /** Offsets delivered and not yet settled or returned. */
  readonly inflight = new Set<number>();
  /**
   * Offset after the last message whose append the lane has processed. The log may already hold
   * later messages whose readability is still being reported; those are offered by the queue as
   * they arrive rather than read back.
   */
  private tail: number;
  /** Messages of the current turn not yet handed to the log. */
  private batch: PendingBatch | undefined;
  /** Messages appended so far: a message's sequence number is this count before it. */
  private issued = 0;
  /** Appends numbered below this mark were covered by a purge: they are settled as they land. */
  private purgedBefore = 0;
  /** Appends issued whose outcome the lane has not processed yet, and their body bytes. */
  private pending = 0;
  private pendingBytesTotal = 0;
  /** Of those, the ones a purge covered, and their body bytes. */
  private doomed = 0;
  private doomedBytes = 0;
  /** The latest batch's outcome; a log acknowledges appends in order, so every earlier one is processed first. */
  private lastAppend: Promise<void> = Promise.resolve();
  /** Settles once the latest batch is readable and processed (or failed), before it is durable. */
  private lastLanded: Promise<void> = Promise.resolve();
  private released = false;

  constructor(
    readonly index: number,
    readonly log: QueueLog,
    private readonly host: LaneHost,
  ) {
    this.readPos = log.log.startOffset;
    this.tail = log.log.highWatermark;
  }

  /** Stored messages ready for delivery (processed by the queue, unsettled, not out for delivery). */
  get storedReadyCount(): number {
    const unprocessed = Math.max(0, this.log.log.highWatermark - this.tail);
    return Math.max(0, this.log.unsettledCount - this.inflight.size - unprocessed);
  }

  /** Messages being appended and not covered by a purge (counted as ready by the queue). */
  get pendingCount(): number {
    return this.pending - this.doomed;
  }

  /** Body bytes of the messages counted by pendingCount. */
  get pendingBytes(): number {
    return this.pendingBytesTotal - this.doomedBytes;
  }

  /**
   * Appends one message. Messages appended during one turn of the event loop are written as one
   * batch. Once a message is readable the host's `stored` gets its offset (then the queue calls
   * offerAppended), unless a purge issued meanwhile covered it: it is then settled here. The promise
   * settles once the message is durable; if the append fails, the host's `appendFailed` decides.
   * With `deferSync` (nobody waits for it to be durable) the log may put off its fdatasync a little.
   */
  append(content: MessageContent, record: RecordInput, deferSync = false): Promise<void> {
    const bytes = content.body.length;
    let batch = this.batch;
    if (batch !== undefined && (batch.contents.length >= BATCH_MESSAGES || batch.bytes + bytes > BATCH_BYTES)) {
      this.flush();
      batch = undefined;
    }
    batch ??= this.openBatch();
    this.issued++;
    this.pending++;
    this.pendingBytesTotal += bytes;
    this.host.flow.add(bytes + FLOW_MESSAGE_OVERHEAD);
    batch.contents.push(content);
    batch.records.push(record);
    batch.bytes += bytes;
    if (!deferSync) batch.deferSync = false;
    return batch.done;
  }

  /**
   * Resolves once every append issued so far that still counts as ready has been processed: readable
   * and offered, perhaps not yet durable (never rejects); undefined if there is none to wait for.
   */
  whenAppended(): Promise<void> | undefined {
    if (this.pending === this.doomed) return undefined;
    this.flush();
    return this.lastLanded;
  }

  /** True when the lane holds nothing ready, nothing being read and no append in progress. */
  get idle(): boolean {
    return this.pending === 0 && this.loading === undefined && this.cachedCount === 0 && this.storedReadyCount === 0;
  }

  /** Ready messages held in memory (window and returned messages). */
  get cachedCount(): number {
    return this.window.length - this.head + this.requeued.length;
  }

  /** The next ready message without taking it, LOADING while it is being read, undefined if none. */
  peek(): QueuedMessage | undefined | typeof LOADING {
    if (this.requeued.length > 0) return this.requeued[0];
    while (this.head < this.window.length) {
      const m = this.window[this.head];
      if (!this.log.isSettled(m.offset)) return m;
      this.dropWindowHead();
    }
    if (this.loading) return LOADING;
    const next = this.log.nextUnsettled(this.readPos);
    if (next === undefined || next >= this.tail) return undefined;
    this.readPos = next;
    this.startLoad();
    return LOADING;
  }

  /** Resolves once the current read (if any) completes. */
  whenLoaded(): Promise<void> {
    return this.loading ?? Promise.resolve();
  }

  /** Takes the message peek() returned, marking it out for delivery. */
  take(message: QueuedMessage): void {
    this.remove(message);
    this.inflight.add(message.offset);
  }

  /** Takes the message peek() returned and settles it at once (expired, dropped, dead-lettered, or no-ack delivery). */
  discard(message: QueuedMessage, reason: SettleReason): void {
    this.remove(message);
    this.log.settle([message.offset], reason);
  }

  /** Settles a message that was out for delivery. */
  settle(message: QueuedMessage, reason: SettleReason): void {
    if (!this.inflight.delete(message.offset)) return;
    this.log.settle([message.offset], reason);
  }

  /** Returns a message that was out for delivery to its original position; false if it was not out. */
  requeue(message: QueuedMessage): boolean {
    if (!this.inflight.delete(message.offset)) return false;
    message.redelivered = true;
    const list = this.requeued;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].offset < message.offset) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, message);
    return true;
  }

  /**
   * Takes in a just-appended message: kept in the window when the reader is caught up with the log
   * (so it is delivered without being read back), otherwise left for the reader.
   */
  offerAppended(message: QueuedMessage): void {
    if (this.loading || this.readPos !== message.offset) return;
    if (this.window.length - this.head >= WINDOW_MESSAGES || this.windowBytes >= WINDOW_BYTES) return;
    this.window.push(message);
    this.windowBytes += message.body.length;
    this.readPos = message.offset + 1;
  }

  /**
   * Settles every ready message (purge), those still being appended included: they are settled as
   * they land. Returns how many (the ready count just before).
   */
  purgeReady(): number {
    const purged = this.storedReadyCount + this.pendingCount;
    this.purgedBefore = this.issued;
    this.doomed = this.pending;
    this.doomedBytes = this.pendingBytesTotal;
    this.requeued.length = 0;
    this.window = [];
    this.head = 0;
    this.windowBytes = 0;
    if (this.inflight.size === 0) {
      this.log.purge();
      return purged;
    }
    const batch: number[] = [];
    for (let o = this.log.nextUnsettled(0); o !== undefined; o = this.log.nextUnsettled(o + 1)) {
      if (this.inflight.has(o)) continue;
      batch.push(o);
      if (batch.length === 4096) {
        this.log.settle(batch, 'purged');
        batch.length = 0;
      }
    }
    this.log.settle(batch, 'purged');
    return purged;
  }

  /** Closes (or deletes) the lane's log once the appends in progress are processed. */
  async release(deleteLog: boolean): Promise<void> {
    this.flush();
    await this.lastAppend.then(noop, noop);
    this.released = true;
    await (deleteLog ? this.log.delete() : this.log.close());
  }

  /** Every ready message from the start of the log, for recovery scans (bounded memory: one read at a time). */
  async *scan(): AsyncGenerator<QueuedMessage> {
    let pos = this.log.nextUnsettled(this.log.log.startOffset);
    while (pos !== undefined) {
      const result = await this.log.log.read(pos, READ_BYTES);
      const { messages, next } = this.decode(result.data, pos, result.nextOffset, WINDOW_MESSAGES);
      for (const message of messages) yield message;
      pos = this.log.nextUnsettled(next);
    }
  }

  private openBatch(): PendingBatch {
    const batch = pendingBatch(this.issued);
    this.batch = batch;
    queueMicrotask(this.flush);
    return batch;
  }

  /** Hands the messages collected so far to the log (at the end of the turn, or when something must wait for them). */
  private readonly flush = (): void => {
    const batch = this.batch;
    if (batch === undefined) return;
    this.batch = undefined;
    let landing: { failure: { err: unknown } | undefined } | undefined;
    let markLanded!: () => void;
    const landed = new Promise<void>((resolve) => (markLanded = resolve));
    let appended: Promise<unknown>;
    try {
      const encoded = encodeBatch(batch.records);
      batch.records.length = 0; // encoded: the records need not live until the batch is durable
      appended = this.log.publish(
        encoded,
        (result) => {
          landing = { failure: this.landed(batch, result.baseOffset) };
          batch.contents.length = 0; // processed: the queue holds what it needs of each message
          markLanded();
        },
        batch.deferSync,
      );
    } catch (err) {
      appended = Promise.reject(err);
    }
    this.lastAppend = appended.then(
      () => (landing?.failure ? batch.reject(landing.failure.err) : batch.resolve()),
      (err: unknown) => {
        markLanded(); // a batch that never became readable is processed by its failure
        this.lost(batch, err, landing !== undefined);
      },
    );
    this.lastLanded = landed;
  };

  /**
   * A batch is readable from `baseOffset` on: each message is processed in order (offered to
   * consumers before it is durable; its publishers hear once it is). Returns the first error a
   * message's processing threw.
   */
  private landed(batch: PendingBatch, baseOffset: number): { err: unknown } | undefined {
    let failure: { err: unknown } | undefined;
    for (let i = 0; i < batch.contents.length; i++) {
      const seq = batch.firstSeq + i;
      const content = batch.contents[i];
      const offset = baseOffset + i;
      this.processed(seq, content.body.length);
      if (offset >= this.tail) this.tail = offset + 1;
      try {
        if (seq < this.purgedBefore) this.settlePurged(offset);
        else this.host.stored(this, content, offset);
      } catch (err) {
        failure ??= { err };
      }
    }
    return failure;
  }

  /** A batch could not be stored (or, when `readable`, was delivered but could not be made durable). */
  private lost(batch: PendingBatch, err: unknown, readable: boolean): void {
    if (!readable) for (let i = 0; i < batch.contents.length; i++) this.processed(batch.firstSeq + i, batch.contents[i].body.length);
    try {
      this.host.appendFailed(err);
      batch.resolve();
    } catch (thrown) {
      batch.reject(thrown);
    }
  }

  /** Bookkeeping for a processed append (stored or failed). */
  private processed(seq: number, bytes: number): void {
    this.pending--;
    this.pendingBytesTotal -= bytes;
    this.host.flow.remove(bytes + FLOW_MESSAGE_OVERHEAD);
    if (seq < this.purgedBefore) {
      this.doomed--;
      this.doomedBytes -= bytes;
    }
  }

  /** Settles a message that landed after a purge covering it (the reader skips past it). */
  private settlePurged(offset: number): void {
    if (!this.loading && this.readPos === offset) this.readPos = offset + 1;
    if (!this.released) this.log.settle([offset], 'purged');
  }

  private remove(message: QueuedMessage): void {
    if (this.requeued.length > 0 && this.requeued[0] === message) {
      this.requeued.shift();
      return;
    }
    if (this.window[this.head] === message) this.dropWindowHead();
  }

  private dropWindowHead(): void {
    this.windowBytes -= this.window[this.head].body.length;
    this.head++;
    if (this.head === this.window.length) {
      this.window = [];
      this.head = 0;
      this.windowBytes = 0;
    } else if (this.head > 256 && this.head * 2 > this.window.length) {
      this.window = this.window.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * Decodes the unsettled messages at or after `from` in `data`, stopping after `limit` of them (the
   * rest is read again later). Returns them and the offset to read next.
   */
  private decode(data: Buffer, from: number, nextOffset: number, limit: number): { messages: QueuedMessage[]; next: number } {
    const messages: QueuedMessage[] = [];
    for (const batch of splitBatches(data)) {
      for (const record of decodeRecords(batch)) {
        if (record.offset < from || this.log.isSettled(record.offset)) continue;
        if (messages.length === limit) return { messages, next: record.offset };
        messages.push(this.host.message(record, this.index));
      }
    }
    return { messages, next: nextOffset };
  }

  private startLoad(): void {
    const from = this.readPos;
    this.loading = this.log.log
      .read(from, READ_BYTES)
      .then((result) => {
        const { messages, next } = this.decode(result.data, from, result.nextOffset, Math.max(1, WINDOW_MESSAGES - this.cachedCount));
        for (const message of messages) {
          this.window.push(message);
          this.windowBytes += message.body.length;
        }
        this.readPos = Math.max(this.readPos, next);
      })
      .catch((err: unknown) => this.host.error(err))
      .finally(() => {
        this.loading = undefined;
        this.host.loaded();
      });
  }
}
