/**
 * Persists a queue's settlements and delivery counts to its settlement log in the background.
 *
 * Callers record changes synchronously (the in-memory state is already updated); the journal
 * group-commits everything recorded while a write is in flight into the next batch, so settling is
 * never bounded by the medium's sync latency. Within a batch, delivery counts come before ranges,
 * so a message returned and then settled in the same window replays as settled.
 * Once enough bytes were written since the last snapshot, the journal appends a snapshot of the
 * whole state and deletes the settlement log before it, which keeps that log small.
 * The first write failure is sticky: it rejects every later `flushed()`.
 */
import { encodeBatch } from '../record-batch.js';
import type { AppendOptions, PartitionLog } from '../types.js';
import { encodeSettlement, type SettleReason, type SettlementRecord } from './settlement-codec.js';

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

/** Appends of batches encoded here (their CRC-32C is trusted); the second may have its fdatasync put off. */
const JUST_ENCODED: AppendOptions = { verified: true };
const JUST_ENCODED_UNHURRIED: AppendOptions = { verified: true, deferSync: true };

/** Encodes settlement records as one batch of the settlement log. */
function settlementBatch(records: SettlementRecord[]): Buffer {
  return encodeBatch(records.map((record) => ({ key: null, value: encodeSettlement(record) })));
}

/** Sorts flat `[start, end)` pairs and merges overlapping or touching ones. */
function mergeRanges(flat: number[]): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
  pairs.sort((a, b) => a[0] - b[0]);
  const merged: number[] = [];
  for (const [start, end] of pairs) {
    const last = merged.length - 1;
    if (merged.length > 0 && start <= merged[last]) merged[last] = Math.max(merged[last], end);
    else merged.push(start, end);
  }
  return merged;
}

/** A queue's settlement log, opened on first use: a queue that has settled nothing needs none on disk. */
export class OnDemandLog {
  private opening: Promise<PartitionLog> | undefined;
  private opened: PartitionLog | undefined;

  /** `open` creates or opens the log; `existing` is the log when it is already open. */
  constructor(
    private readonly open: () => Promise<PartitionLog>,
    existing?: PartitionLog,
  ) {
    if (existing) {
      this.opened = existing;
      this.opening = Promise.resolve(existing);
    }
  }

  /** The log if it has been opened. */
  get current(): PartitionLog | undefined {
    return this.opened;
  }

  /** The log, opened now if it was not yet. */
  get(): Promise<PartitionLog> {
    this.opening ??= this.open().then((log) => (this.opened = log));
    return this.opening;
  }

  /** Closes the log if it was opened. */
  async close(): Promise<void> {
    const log = await this.opening?.catch(() => undefined);
    await log?.close();
  }
}

/** The background writer of one settlement log. */
export class SettlementJournal {
  private pendingRanges = new Map<SettleReason, number[]>();
  private pendingCounts = new Map<number, number>();
  private pendingWaiters: Waiter[] = [];
  private inFlightWaiters: Waiter[] | undefined;
  private draining = false;
  private drained: Promise<void> = Promise.resolve();
  private failure: unknown;
  private bytesSinceSnapshot = 0;
  private compactThreshold: number;

  /**
   * `snapshot` returns the current whole state; a snapshot is written once `compactAfterBytes`
   * (or twice the previous snapshot's size, if larger) were appended since the last one.
   */
  constructor(
    private readonly log: OnDemandLog,
    private readonly snapshot: () => SettlementRecord,
    private readonly compactAfterBytes: number,
    /** Resolves once every message published so far is durable: settlements never reach disk before the messages they settle. */
    private readonly messagesDurable: () => Promise<void>,
  ) {
    this.compactThreshold = compactAfterBytes;
  }

  /** The first write failure, if any (every later write is refused). */
  get error(): unknown {
    return this.failure;
  }

  /** Records that `[start, end)` was settled for `reason`. */
  recordSettled(reason: SettleReason, start: number, end: number): void {
    let ranges = this.pendingRanges.get(reason);
    if (ranges === undefined) {
      ranges = [];
      this.pendingRanges.set(reason, ranges);
    }
    if (ranges.length > 0 && ranges[ranges.length - 1] === start) ranges[ranges.length - 1] = end;
    else ranges.push(start, end);
    this.schedule();
  }

  /** Records the new delivery count of a message. */
  recordDeliveryCount(offset: number, count: number): void {
    this.pendingCounts.set(offset, count);
    this.schedule();
  }

  /** Resolves once everything recorded so far is durable; rejects after a write failure. */
  flushed(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (!this.hasPending() && this.inFlightWaiters === undefined) return Promise.resolve();
    return new Promise((resolve, reject) => {
      (this.hasPending() ? this.pendingWaiters : this.inFlightWaiters!).push({ resolve, reject });
    });
  }

  /** Flushes, waits for background work, then writes a snapshot if anything was written since the last one. */
  async close(): Promise<void> {
    await this.flushed();
    await this.drained;
    if (this.failure !== undefined) throw this.failure;
    if (this.bytesSinceSnapshot > 0) await this.compact();
  }

  private hasPending(): boolean {
    return this.pendingRanges.size > 0 || this.pendingCounts.size > 0;
  }

  private schedule(): void {
    if (this.draining || this.failure !== undefined) return;
    this.draining = true;
    this.drained = Promise.resolve().then(() => this.drain());
  }

  private takePending(): SettlementRecord[] {
    const records: SettlementRecord[] = [];
    if (this.pendingCounts.size > 0) records.push({ kind: 'delivery-counts', counts: [...this.pendingCounts] });
    for (const [reason, ranges] of this.pendingRanges) records.push({ kind: 'ranges', reason, ranges: mergeRanges(ranges) });
    this.pendingCounts = new Map();
    this.pendingRanges = new Map();
    return records;
  }

  private async drain(): Promise<void> {
    while (this.hasPending() && this.failure === undefined) {
      const batch = settlementBatch(this.takePending());
      const waiters = this.pendingWaiters;
      this.pendingWaiters = [];
      this.inFlightWaiters = waiters;
      try {
        await this.messagesDurable();
        // Settlements are persisted in the background: unless someone waits on these, their sync may be put off.
        await (await this.log.get()).append(batch, waiters.length > 0 ? JUST_ENCODED : JUST_ENCODED_UNHURRIED);
        this.bytesSinceSnapshot += batch.length;
      } catch (err) {
        this.fail(err, waiters);
        break;
      }
      this.inFlightWaiters = undefined;
      for (const waiter of waiters) waiter.resolve();
      if (this.bytesSinceSnapshot >= this.compactThreshold) {
        try {
          await this.compact();
        } catch (err) {
          this.fail(err, []);
        }
      }
    }
    this.draining = false;
  }

  /** Appends a snapshot of the whole state and deletes the settlement log before it (also used at open, before any other write). */
  async compact(): Promise<void> {
    const batch = settlementBatch([this.snapshot()]);
    await this.messagesDurable();
    const log = await this.log.get();
    const { baseOffset } = await log.append(batch, JUST_ENCODED);
    await log.deleteRecordsBefore(baseOffset);
    this.bytesSinceSnapshot = 0;
    this.compactThreshold = Math.max(this.compactAfterBytes, 2 * batch.length);
  }

  private fail(err: unknown, waiters: Waiter[]): void {
    this.failure ??= err;
    this.inFlightWaiters = undefined;
    for (const waiter of [...waiters, ...this.pendingWaiters]) waiter.reject(this.failure);
    this.pendingWaiters = [];
    this.pendingCounts = new Map();
    this.pendingRanges = new Map();
  }
}
