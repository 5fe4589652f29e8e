/**
 * A queue stored as a log: each message is one record of a PartitionLog (offsets dense), and the
 * queue's state is the set of settled offsets (acked, expired, dead-lettered, dropped, purged) plus
 * the delivery counts of returned messages. That state is persisted in a second log of the same
 * store, `<queue log name>.settled`, replayed on open, and compacted by periodic snapshots; the
 * message log's segments are deleted once every message in them is settled.
 *
 * Durability: `publish` is acknowledged under the message log's fsync mode; its messages may be
 * delivered (and settled) as soon as they are readable, before that. `settle` and `recordReturn`
 * update memory at once and are persisted in the background (group-committed), each write only
 * once every message published before it is durable, so the settlement log never names a message
 * a crash could take back; `settleAsync` and `flush` wait for that. After a crash, settlements not
 * yet persisted come back as unsettled messages (at-least-once delivery), never the other way round.
 */
import { decodeRecords, splitBatches } from './record-batch.js';
import { decodeSettlement, type SettleReason } from './queue/settlement-codec.js';
import type { SettledSet } from './queue/settled-set.js';
import { OnDemandLog, SettlementJournal } from './queue/settlement-journal.js';
import { SettlementState } from './queue/settlement-state.js';
import { StorageError, type AppendResult, type LogConfig, type LogStore, type PartitionLog } from './types.js';

export type { SettleReason } from './queue/settlement-codec.js';

function noop(): void {}

/** Tuning of a queue's settlement log and segment reclamation. */
export interface QueueLogOptions {
  /** Segment size of the settlement log (bytes); default 1 MiB. */
  settlementSegmentBytes: number;
  /** Bytes of settlement records after which a snapshot is written; default 256 KiB. */
  compactAfterBytes: number;
  /** Least time between deletions of fully settled message segments (ms); default 1000. */
  reclaimIntervalMs: number;
}

const DEFAULT_QUEUE_OPTIONS: QueueLogOptions = {
  settlementSegmentBytes: 1024 * 1024,
  compactAfterBytes: 256 * 1024,
  reclaimIntervalMs: 1000,
};

/** Name of the log holding the settlements of the queue log `name`. */
export function settlementLogName(name: string): string {
  return `${name}.settled`;
}

/** Reads the whole settlement log and rebuilds the state it describes. */
async function replaySettlements(log: PartitionLog): Promise<SettlementState> {
  const state = new SettlementState();
  let offset = log.startOffset;
  while (offset < log.highWatermark) {
    const { data, nextOffset } = await log.read(offset, 1024 * 1024);
    for (const batch of splitBatches(data)) {
      for (const record of decodeRecords(batch)) {
        if (record.offset < log.startOffset) continue;
        if (record.value === null) throw new StorageError('LOG_DAMAGED', `settlement log ${log.name}: null record at ${record.offset}`);
        state.apply(decodeSettlement(record.value));
      }
    }
    offset = nextOffset;
  }
  return state;
}

/** One queue: its message log and its settled offsets. */
export class QueueLog {
  private closed = false;
  private failure: unknown;
  private reclaimTimer: NodeJS.Timeout | undefined;
  private reclaiming: Promise<void> = Promise.resolve();
  /** Resolves once the latest publish is acknowledged, rejects if it failed (the log acknowledges in order). */
  private lastPublish: Promise<void> = Promise.resolve();
  private readonly journal: SettlementJournal;

  private constructor(
    private readonly store: LogStore,
    /** The message log. */
    readonly log: PartitionLog,
    private readonly settlements: OnDemandLog,
    private readonly state: SettlementState,
    private readonly options: QueueLogOptions,
  ) {
    this.journal = new SettlementJournal(settlements, () => state.snapshot(), options.compactAfterBytes, () => this.lastPublish);
  }

  /** The log persisting settlements and delivery counts, once the queue has written one. */
  get settlementLog(): PartitionLog | undefined {
    return this.settlements.current;
  }

  /**
   * Opens (creating if missing) the queue whose messages live in the log `name`, replaying its
   * settlement log (created only once the queue first writes to it). Message logs of queues keep no time or size retention unless `config` asks.
   */
  static async open(
    store: LogStore,
    name: string,
    config: Partial<LogConfig> = {},
    options: Partial<QueueLogOptions> = {},
  ): Promise<QueueLog> {
    const tuning = { ...DEFAULT_QUEUE_OPTIONS, ...options };
    const log = await store.open(name, { retentionMs: -1, retentionBytes: -1, ...config });
    const settlementConfig: Partial<LogConfig> = { segmentBytes: tuning.settlementSegmentBytes, retentionMs: -1, retentionBytes: -1 };
    if (config.fsync !== undefined) settlementConfig.fsync = config.fsync;
    const openSettlements = () => store.open(settlementLogName(name), settlementConfig);
    if (log.highWatermark === 0) {
      // Nothing was published, so nothing can be settled: the settlement log waits for a first write, and
      // one left by a message log that lost its data (power loss) is stale and replaced.
      const openFresh = async (): Promise<PartitionLog> => {
        const existing = await openSettlements();
        if (existing.highWatermark === existing.startOffset) return existing;
        await store.delete(settlementLogName(name));
        return openSettlements();
      };
      return new QueueLog(store, log, new OnDemandLog(openFresh), new SettlementState(), tuning);
    }
    const settlementLog = await openSettlements();
    let state: SettlementState;
    try {
      state = await replaySettlements(settlementLog);
    } catch (err) {
      await Promise.all([log.close(), settlementLog.close()]);
      throw err;
    }
    const stale = state.clampTo(log.startOffset, log.highWatermark);
    const queue = new QueueLog(store, log, new OnDemandLog(openSettlements, settlementLog), state, tuning);
    // Settlements of messages the log no longer holds would settle the new messages that reuse their offsets.
    if (stale) await queue.journal.compact();
    return queue;
  }

  /**
   * Appends a batch of messages (one record each) just built by `encodeBatch` in this process, so its
   * CRC-32C is not computed again; `onReadable` hears when they can be delivered; resolves once
   * acknowledged under the fsync mode (put off a little with `deferSync`).
   */
  publish(batch: Buffer, onReadable?: (result: AppendResult) => void, deferSync = false): Promise<AppendResult> {
    if (this.closed) return Promise.reject(this.closedError());
    const appended = this.log.append(batch, { verified: true, onReadable, deferSync });
    // A failed publish fails the settlement writes waiting on it: they may name its messages.
    this.lastPublish = appended.then(noop);
    this.lastPublish.catch(noop);
    return appended;
  }

  /**
   * Settles messages: effective in memory at once, persisted in the background. Offsets already
   * settled are ignored; offsets outside `[0, highWatermark)` throw OFFSET_OUT_OF_RANGE (nothing is
   * settled then). Throws the error of an earlier background write that failed.
   */
  settle(offsets: readonly number[], reason: SettleReason): void {
    this.ensureOpen();
    const end = this.log.highWatermark;
    for (const offset of offsets) {
      if (!Number.isInteger(offset) || offset < 0 || offset >= end) {
        throw new StorageError('OFFSET_OUT_OF_RANGE', `cannot settle ${offset} in ${this.log.name}: messages are [0, ${end})`);
      }
    }
    const lowBefore = this.settledSet().lowWatermark;
    for (const offset of offsets) {
      if (this.state.settleRange(offset, offset + 1) > 0) this.journal.recordSettled(reason, offset, offset + 1);
    }
    if (this.state.settled.lowWatermark > lowBefore) this.scheduleReclaim();
  }

  /** Like `settle`, resolving once the settlement is durable. */
  settleAsync(offsets: readonly number[], reason: SettleReason): Promise<void> {
    try {
      this.settle(offsets, reason);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.flushed();
  }

  /** True if the message at `offset` is settled (offsets below the log start always are). */
  isSettled(offset: number): boolean {
    return this.settledSet().has(offset);
  }

  /** The lowest unsettled offset >= `from` and below the high watermark, or undefined. */
  nextUnsettled(from: number): number | undefined {
    const offset = this.settledSet().nextUnsettled(from);
    return offset < this.log.highWatermark ? offset : undefined;
  }

  /** Messages published and not yet settled. */
  get unsettledCount(): number {
    const settled = this.settledSet();
    return this.log.highWatermark - settled.lowWatermark - settled.settledAboveWatermark;
  }

  /** Memory-relevant figures: the settled low watermark, ranges kept above it, tracked delivery counts. */
  get stats(): { lowWatermark: number; settledRanges: number; deliveryCounts: number } {
    const settled = this.state.settled;
    return { lowWatermark: settled.lowWatermark, settledRanges: settled.rangeCount, deliveryCounts: this.state.deliveryCounts.size };
  }

  /**
   * Counts one more return of an unsettled message to the queue (nack/requeue, channel close) and
   * persists it in the background; returns the new count. Settled offsets are not tracked (returns 0).
   */
  recordReturn(offset: number): number {
    this.ensureOpen();
    if (offset >= this.log.highWatermark || this.settledSet().has(offset)) return 0;
    const count = this.deliveryCount(offset) + 1;
    this.state.setDeliveryCount(offset, count);
    this.journal.recordDeliveryCount(offset, count);
    return count;
  }

  /** How many times the message at `offset` was returned to the queue (0 if never). */
  deliveryCount(offset: number): number {
    return this.state.deliveryCounts.get(offset) ?? 0;
  }

  /** Settles every message below the high watermark; returns how many were unsettled. */
  purge(): number {
    this.ensureOpen();
    const start = this.settledSet().lowWatermark;
    const end = this.log.highWatermark;
    const purged = this.unsettledCount;
    if (this.state.settleRange(start, end) > 0) {
      this.journal.recordSettled('purged', start, end);
      this.scheduleReclaim();
    }
    return purged;
  }

  /** Makes every settlement so far durable and deletes the message segments that are fully settled. */
  async flush(): Promise<void> {
    await this.flushed();
    await this.reclaim();
  }

  /** Flushes, snapshots the settlement state and closes both logs. Rejects with any background write failure. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reclaimTimer);
    try {
      await this.journal.close();
      await this.reclaim();
    } finally {
      await Promise.all([this.log.close(), this.settlements.close()]);
    }
    if (this.failure !== undefined) throw this.failure;
  }

  /** Closes the queue and removes its message log and its settlement log. */
  async delete(): Promise<void> {
    await this.close().catch(() => undefined);
    await this.store.delete(this.log.name);
    await this.store.delete(settlementLogName(this.log.name));
  }

  /**
   * The settled set, first extended to the message log's start: messages that the log itself
   * removed (retention configured on the queue's log) count as settled.
   */
  private settledSet(): SettledSet {
    if (this.log.startOffset > this.state.settled.lowWatermark) this.state.settleRange(0, this.log.startOffset);
    return this.state.settled;
  }

  private async flushed(): Promise<void> {
    await this.journal.flushed();
    if (this.failure !== undefined) throw this.failure;
  }

  private scheduleReclaim(): void {
    if (this.reclaimTimer !== undefined) return;
    this.reclaimTimer = setTimeout(() => {
      this.reclaimTimer = undefined;
      this.reclaim().catch((err: unknown) => {
        this.failure ??= err;
      });
    }, this.options.reclaimIntervalMs);
    this.reclaimTimer.unref();
  }

  /** Deletes message segments below the durable low watermark (one deletion at a time). */
  private reclaim(): Promise<void> {
    const run = async (): Promise<void> => {
      const target = this.state.settled.lowWatermark;
      await this.journal.flushed();
      if (target > this.log.startOffset) await this.log.deleteRecordsBefore(target);
    };
    this.reclaiming = this.reclaiming.then(run, run);
    return this.reclaiming;
  }

  /** Throws if the queue is closed or a background write failed (its settlements could not be kept). */
  private ensureOpen(): void {
    if (this.closed) throw this.closedError();
    const failure = this.journal.error ?? this.failure;
    if (failure !== undefined) throw failure;
  }

  private closedError(): StorageError {
    return new StorageError('LOG_CLOSED', `queue ${this.log.name} is closed`);
  }
}
