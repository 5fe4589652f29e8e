/**
 * A PartitionLog kept in one directory of segment files.
 *
 * Durability rules, in one place:
 * - An append becomes readable (and counts in highWatermark) once its bytes are written, and is
 *   acknowledged only after they are also fdatasync'ed, unless fsync is 'never'; see group-commit.ts.
 * - A new segment file is fsynced with its directory before its first write; the segment it
 *   replaces is fdatasync'ed and its indexes saved first.
 * - checkpoint.json (start offset + last flushed position) is replaced atomically after fsyncs,
 *   at most once per CHECKPOINT_INTERVAL_MS, on rolls and on close; a moved start offset is
 *   persisted before the call resolves and before any segment file is removed.
 * - close() writes the clean-shutdown marker last; open() removes it before the first append.
 * - A failed write or fsync is fatal for the log: further appends reject with FSYNC_FAILED.
 *
 * Reads borrow descriptors from a small per-log LRU (read-handles.ts); segments removed by
 * retention or DeleteRecords drop theirs, and close() closes them all.
 */
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BATCH_HEADER_BYTES, batchLastOffsetDelta, batchMaxTimestamp, batchTotalBytes, isWholeValidBatch, readBatchHeader, writeBaseOffset } from '../record-batch.js';
import { StorageError, type AppendOptions, type AppendResult, type FsyncMode, type LogConfig, type PartitionLog, type ReadResult } from '../types.js';
import { isBefore, readCheckpoint, takeCleanMarker, writeCheckpoint, writeCleanMarker, type LogPosition } from './checkpoint.js';
import { fsyncDir } from './durable-fs.js';
import { GroupCommit, type CommitStats, type GroupCommitHost } from './group-commit.js';
import { INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX } from './names.js';
import { ReadHandles } from './read-handles.js';
import { recoverSegments } from './recovery.js';
import { segmentsToDelete } from './retention.js';
import { Segment } from './segment.js';
import { findTimestamp, readSegment } from './segment-queries.js';

/** Longest wait between two checkpoints while appends are being synced. */
const CHECKPOINT_INTERVAL_MS = 1000;
/** Positions and relative offsets in index files are u32. */
const MAX_SEGMENT_SPAN = 0xffffffff;

interface Waiter {
  offset: number;
  resolve: (arrived: boolean) => void;
  timer: NodeJS.Timeout;
}

/** One log directory: segments, indexes, checkpoint; see the durability rules above. */
export class FilePartitionLog implements PartitionLog, GroupCommitHost {
  private readonly writer = new GroupCommit(this);
  /** Read descriptors kept open between reads (bounded; dropped with their segments and on close). */
  private readonly readHandles = new ReadHandles();
  private readonly settings: LogConfig;
  private segments: Segment[];
  private start: number;
  private readableEnd: number;
  private assignedEnd: number;
  private flushed: LogPosition;
  private lastCheckpointAt = 0;
  private checkpointChain: Promise<void> = Promise.resolve();
  private waiters: Waiter[] = [];
  private closing: Promise<void> | undefined;
  private failure: StorageError | undefined;

  private constructor(
    readonly name: string,
    readonly dir: string,
    config: LogConfig,
    segments: Segment[],
    startOffset: number,
    private readonly onClose: () => void,
  ) {
    this.settings = { ...config };
    this.segments = segments;
    const active = this.active;
    this.readableEnd = this.assignedEnd = active.nextOffset;
    this.start = Math.min(Math.max(startOffset, segments[0].baseOffset), this.readableEnd);
    this.flushed = { segmentBase: active.baseOffset, position: active.size };
  }

  /** Opens (creating or recovering) the log in `dir`; `onClose` runs once the log is closed. */
  static async open(name: string, dir: string, config: LogConfig, onClose: () => void): Promise<FilePartitionLog> {
    if (await mkdir(dir, { recursive: true })) await fsyncDir(dirname(dir));
    const clean = await takeCleanMarker(dir);
    const checkpoint = await readCheckpoint(dir);
    const recoveryPoint = checkpoint?.recoveryPoint ?? { segmentBase: 0, position: 0 };
    const segments = await recoverSegments({ dir, clean, recoveryPoint, indexIntervalBytes: config.indexIntervalBytes });
    const fresh = segments.length === 0 && checkpoint === undefined;
    if (segments.length === 0) {
      const first = new Segment(dir, checkpoint?.startOffset ?? 0);
      await first.create();
      segments.push(first);
    } else {
      await segments[segments.length - 1].openForAppend();
      await segments[segments.length - 1].handle!.datasync();
    }
    const log = new FilePartitionLog(name, dir, config, segments, checkpoint?.startOffset ?? 0, onClose);
    // A new log needs no checkpoint yet: without one, recovery starts from offset 0, the same point.
    if (!fresh) await log.saveCheckpoint();
    return log;
  }

  get config(): LogConfig {
    return this.settings;
  }

  get startOffset(): number {
    return this.start;
  }

  get highWatermark(): number {
    return this.readableEnd;
  }

  get sizeBytes(): number {
    let total = 0;
    for (const segment of this.segments) total += segment.size;
    return total;
  }

  /** Append, write and fsync counters of this log's writer. */
  get stats(): Readonly<CommitStats> {
    return this.writer.stats;
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1];
  }

  /**
   * Validates the batch (its CRC-32C only unless `options.verified`), stamps its base offset in
   * place and queues it for the writer. The buffer is retained (not copied) until the returned
   * promise settles: the caller must not reuse it before.
   */
  append(batch: Buffer, options?: AppendOptions): Promise<AppendResult> {
    if (this.closing) return Promise.reject(closed(this.name));
    if (this.failure) return Promise.reject(this.failure);
    if (batch.length > this.settings.maxBatchBytes) {
      return Promise.reject(new StorageError('BATCH_TOO_LARGE', `batch of ${batch.length} bytes exceeds ${this.settings.maxBatchBytes}`));
    }
    if (!(options?.verified ? isWholeBatch(batch) : isWholeValidBatch(batch))) return Promise.reject(corruptBatch(batch));
    const now = Date.now();
    const baseOffset = this.assignedEnd;
    const lastOffset = baseOffset + batchLastOffsetDelta(batch);
    let segment = this.active;
    if (this.mustRoll(segment, batch.length, lastOffset, now)) segment = this.roll();
    segment.firstAppendAt ??= now;
    writeBaseOffset(batch, 0, baseOffset);
    segment.track(segment.size, batch.length, baseOffset, lastOffset, batchMaxTimestamp(batch), this.settings.indexIntervalBytes);
    this.assignedEnd = lastOffset + 1;
    return this.writer.enqueue(batch, segment, { baseOffset, lastOffset, appendTime: now }, options?.onReadable, options?.deferSync);
  }

  async read(offset: number, maxBytes: number): Promise<ReadResult> {
    this.ensureOpen();
    const highWatermark = this.readableEnd;
    this.checkRange(offset, highWatermark);
    const startOffset = this.start;
    if (offset === highWatermark) return { data: Buffer.alloc(0), nextOffset: offset, startOffset, highWatermark };
    const slice = await readSegment(this.segmentFor(offset), offset, maxBytes, this.readAhead(), this.readHandles);
    return { data: slice.data, nextOffset: slice.nextOffset, startOffset, highWatermark };
  }

  async offsetForTimestamp(timestamp: number): Promise<number | undefined> {
    this.ensureOpen();
    for (const segment of this.segments.slice()) {
      if (segment.nextOffset <= this.start || segment.maxTimestamp < timestamp || segment.visibleSize === 0) continue;
      const found = await findTimestamp(segment, timestamp, this.start, this.readAhead(), this.readHandles);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  waitForData(offset: number, timeoutMs: number): Promise<boolean> {
    if (this.readableEnd > offset) return Promise.resolve(true);
    if (this.closing) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = { offset, resolve, timer: setTimeout(() => this.settleWaiter(waiter, false), timeoutMs) };
      this.waiters.push(waiter);
    });
  }

  async deleteRecordsBefore(offset: number): Promise<void> {
    this.ensureOpen();
    if (offset > this.readableEnd) throw new StorageError('OFFSET_OUT_OF_RANGE', `${offset} is beyond the high watermark ${this.readableEnd}`);
    if (offset <= this.start) return;
    this.start = offset;
    let count = 0;
    while (count < this.sealedCount() && this.segments[count].nextOffset <= offset) count++;
    await this.removeLeadingSegments(count);
  }

  async applyRetention(now = Date.now()): Promise<number> {
    this.ensureOpen();
    const sealed = this.segments.slice(0, this.sealedCount());
    const count = segmentsToDelete(sealed, this.sizeBytes, this.settings, now);
    if (count === 0) return 0;
    this.start = Math.max(this.start, this.segments[count].baseOffset);
    await this.removeLeadingSegments(count);
    return count;
  }

  reconfigure(changes: Partial<LogConfig>): void {
    Object.assign(this.settings, changes);
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  // GroupCommitHost

  fsyncMode(): FsyncMode {
    return this.settings.fsync;
  }

  async startSegment(segment: Segment): Promise<void> {
    const previous = this.segments[this.segments.indexOf(segment) - 1];
    if (previous?.handle) {
      await previous.handle.datasync();
      await previous.saveIndexes();
      await previous.closeHandle();
    }
    await segment.create();
    this.flushed = { segmentBase: segment.baseOffset, position: 0 };
    this.checkpointInBackground();
  }

  written(segment: Segment, end: number, highWatermark: number): void {
    segment.visibleSize = end;
    this.readableEnd = highWatermark;
    if (this.waiters.length > 0) {
      for (const waiter of this.waiters.slice()) if (highWatermark > waiter.offset) this.settleWaiter(waiter, true);
    }
  }

  durable(segment: Segment, end: number): void {
    const point = { segmentBase: segment.baseOffset, position: end };
    // A deferred group of a segment sealed since may be acknowledged late: the flushed point only moves on.
    if (!isBefore(point, this.flushed)) this.flushed = point;
    if (Date.now() - this.lastCheckpointAt >= CHECKPOINT_INTERVAL_MS) this.checkpointInBackground();
  }

  failed(error: StorageError): void {
    this.failure ??= error;
    console.error(`storage: log ${this.name} (${this.dir}) stops accepting appends: ${error.message}`);
  }

  // internals

  private mustRoll(segment: Segment, bytes: number, lastOffset: number, now: number): boolean {
    if (segment.size === 0) return false;
    return (
      segment.size + bytes > this.settings.segmentBytes ||
      segment.size + bytes > MAX_SEGMENT_SPAN ||
      lastOffset - segment.baseOffset > MAX_SEGMENT_SPAN ||
      now - (segment.firstAppendAt ?? now) >= this.settings.segmentMs
    );
  }

  /** Starts a new active segment in memory; its file is created by the writer before its first write. */
  private roll(): Segment {
    const segment = new Segment(this.dir, this.assignedEnd);
    this.segments.push(segment);
    return segment;
  }

  /** Number of leading segments that are sealed: not the last, fully written, synced and closed. */
  private sealedCount(): number {
    let count = 0;
    const isSealed = (s: Segment): boolean => !s.handle && s.visibleSize === s.size;
    while (count < this.segments.length - 1 && isSealed(this.segments[count])) count++;
    return count;
  }

  private segmentFor(offset: number): Segment {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid].baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.segments[lo];
  }

  private readAhead(): number {
    return this.settings.indexIntervalBytes + BATCH_HEADER_BYTES;
  }

  /** Persists the new start offset, then deletes the first `count` segments' files. */
  private async removeLeadingSegments(count: number): Promise<void> {
    const doomed = this.segments.splice(0, count);
    await this.saveCheckpoint();
    if (doomed.length === 0) return;
    await this.readHandles.drop(doomed);
    const suffixes = [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX];
    await Promise.all(doomed.flatMap((segment) => suffixes.map((suffix) => rm(segment.path(suffix), { force: true }))));
    await fsyncDir(this.dir);
  }

  /** Queues a durable checkpoint write with the state current when it runs. */
  private saveCheckpoint(): Promise<void> {
    this.lastCheckpointAt = Date.now();
    this.checkpointChain = this.checkpointChain.then(async () => {
      if (this.failure) throw this.failure;
      try {
        await writeCheckpoint(this.dir, { startOffset: this.start, recoveryPoint: this.flushed });
      } catch (err) {
        this.failed(new StorageError('FSYNC_FAILED', `checkpoint: ${(err as Error).message}`));
        throw this.failure;
      }
    });
    const result = this.checkpointChain;
    this.checkpointChain = result.catch(() => undefined);
    return result;
  }

  /** A checkpoint nobody waits for; a failure is already recorded by saveCheckpoint. */
  private checkpointInBackground(): void {
    this.saveCheckpoint().catch(() => undefined);
  }

  private settleWaiter(waiter: Waiter, arrived: boolean): void {
    const i = this.waiters.indexOf(waiter);
    if (i < 0) return;
    this.waiters.splice(i, 1);
    clearTimeout(waiter.timer);
    waiter.resolve(arrived);
  }

  private ensureOpen(): void {
    if (this.closing) throw closed(this.name);
  }

  private checkRange(offset: number, highWatermark: number): void {
    if (offset < this.start || offset > highWatermark) {
      throw new StorageError('OFFSET_OUT_OF_RANGE', `offset ${offset} outside [${this.start}, ${highWatermark}] of ${this.name}`);
    }
  }

  private async shutdown(): Promise<void> {
    for (const waiter of this.waiters.slice()) this.settleWaiter(waiter, false);
    try {
      await this.writer.drain();
      const active = this.active;
      if (!this.failure) {
        await active.handle!.datasync();
        await active.saveIndexes();
        await fsyncDir(this.dir);
        this.flushed = { segmentBase: active.baseOffset, position: active.visibleSize };
        await this.saveCheckpoint();
        await writeCleanMarker(this.dir);
      }
    } finally {
      await this.checkpointChain; // a background checkpoint must not outlive the log
      await Promise.all([this.readHandles.dropAll(), ...this.segments.map((segment) => segment.closeHandle())]);
      this.onClose();
    }
  }
}

/** True if `batch` is exactly one whole batch with a well-formed header (its CRC not checked). */
function isWholeBatch(batch: Buffer): boolean {
  try {
    return batchTotalBytes(readBatchHeader(batch)) === batch.length;
  } catch {
    return false;
  }
}

/** The error for a batch that isWholeValidBatch or isWholeBatch refused: readBatchHeader's own if the header is at fault. */
function corruptBatch(batch: Buffer): StorageError {
  try {
    readBatchHeader(batch);
  } catch (err) {
    return err as StorageError;
  }
  return new StorageError('CORRUPT_BATCH', `batch of ${batch.length} bytes fails its length or CRC-32C check`);
}

function closed(name: string): StorageError {
  return new StorageError('LOG_CLOSED', `log ${name} is closed`);
}
