/**
 * A PartitionLog held in memory, with the same observable behaviour as the file engine: batches are
 * validated (header and CRC-32C), stamped with their base offset on a private copy, grouped into
 * segments of about `segmentBytes`, and deleted by whole segments under retention. Appends are
 * acknowledged at once (there is no medium to sync), so they become visible immediately.
 */
import { batchTotalBytes, readBatchHeader, verifyBatchCrc, writeBaseOffset } from '../record-batch.js';
import { StorageError, type AppendOptions, type AppendResult, type LogConfig, type PartitionLog, type ReadResult } from '../types.js';
import { addBatch, dropOldestSegment, lastAtOrBelow, type MemoryLogState, type MemorySegment } from './memory-segments.js';
import { OffsetWaiters } from './offset-waiters.js';

/** One open handle on a memory log; the state outlives it so a later open sees the same data. */
export class MemoryPartitionLog implements PartitionLog {
  private currentConfig: LogConfig;
  private closed = false;
  private readonly waiters = new OffsetWaiters();

  /** `onClose` tells the owning store that this handle is gone. */
  constructor(
    readonly name: string,
    config: LogConfig,
    private readonly state: MemoryLogState,
    private readonly onClose: () => void,
  ) {
    this.currentConfig = { ...config };
  }

  get config(): LogConfig {
    return this.currentConfig;
  }

  get startOffset(): number {
    return this.state.startOffset;
  }

  get highWatermark(): number {
    return this.state.highWatermark;
  }

  get sizeBytes(): number {
    return this.state.sizeBytes;
  }

  async append(batch: Buffer, options?: AppendOptions): Promise<AppendResult> {
    this.ensureOpen();
    if (batch.length > this.currentConfig.maxBatchBytes) {
      throw new StorageError('BATCH_TOO_LARGE', `batch of ${batch.length} bytes exceeds ${this.currentConfig.maxBatchBytes}`);
    }
    const header = readBatchHeader(batch);
    if (batchTotalBytes(header) !== batch.length || (!options?.verified && !verifyBatchCrc(batch))) {
      throw new StorageError('CORRUPT_BATCH', `batch for ${this.name} fails its length or CRC-32C check`);
    }
    const appendTime = Date.now();
    const baseOffset = this.state.highWatermark;
    const lastOffset = baseOffset + header.lastOffsetDelta;
    const bytes = Buffer.from(batch);
    writeBaseOffset(bytes, 0, baseOffset);
    addBatch(this.segmentFor(bytes.length, appendTime), { baseOffset, lastOffset, maxTimestamp: header.maxTimestamp, bytes });
    this.state.sizeBytes += bytes.length;
    this.state.highWatermark = lastOffset + 1;
    this.waiters.notify(this.state.highWatermark);
    const result = { baseOffset, lastOffset, appendTime };
    const onReadable = options?.onReadable;
    if (onReadable) queueMicrotask(() => onReadable(result));
    return result;
  }

  async read(offset: number, maxBytes: number): Promise<ReadResult> {
    this.ensureOpen();
    const { startOffset, highWatermark, segments } = this.state;
    if (!Number.isInteger(offset) || offset < startOffset || offset > highWatermark) {
      throw new StorageError('OFFSET_OUT_OF_RANGE', `offset ${offset} outside [${startOffset}, ${highWatermark}] of ${this.name}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let nextOffset = offset;
    let s = lastAtOrBelow(segments, offset);
    let b = s < 0 ? 0 : lastAtOrBelow(segments[s].batches, offset);
    collect: for (; s >= 0 && s < segments.length && offset < highWatermark; s++, b = 0) {
      const batches = segments[s].batches;
      for (; b < batches.length; b++) {
        const batch = batches[b];
        if (chunks.length > 0 && size + batch.bytes.length > maxBytes) break collect;
        chunks.push(batch.bytes);
        size += batch.bytes.length;
        nextOffset = batch.lastOffset + 1;
      }
    }
    return { data: Buffer.concat(chunks, size), nextOffset, startOffset, highWatermark };
  }

  async offsetForTimestamp(timestamp: number): Promise<number | undefined> {
    this.ensureOpen();
    for (const segment of this.state.segments) {
      if (segment.maxTimestamp < timestamp) continue;
      for (const batch of segment.batches) {
        if (batch.lastOffset >= this.state.startOffset && batch.maxTimestamp >= timestamp) {
          return Math.max(batch.baseOffset, this.state.startOffset);
        }
      }
    }
    return undefined;
  }

  async waitForData(offset: number, timeoutMs: number): Promise<boolean> {
    this.ensureOpen();
    if (this.state.highWatermark > offset) return true;
    return this.waiters.wait(offset, timeoutMs);
  }

  async deleteRecordsBefore(offset: number): Promise<void> {
    this.ensureOpen();
    if (!Number.isInteger(offset) || offset > this.state.highWatermark) {
      throw new StorageError('OFFSET_OUT_OF_RANGE', `cannot delete ${this.name} before ${offset}, past ${this.state.highWatermark}`);
    }
    if (offset <= this.state.startOffset) return;
    this.state.startOffset = offset;
    const segments = this.state.segments;
    while (segments.length > 1 && segments[1].baseOffset <= offset) dropOldestSegment(this.state);
  }

  async applyRetention(now = Date.now()): Promise<number> {
    this.ensureOpen();
    const { retentionMs, retentionBytes } = this.currentConfig;
    const segments = this.state.segments;
    let deleted = 0;
    const expired = (oldest: MemorySegment): boolean => retentionMs >= 0 && oldest.maxTimestamp < now - retentionMs;
    // Like Kafka's retention.bytes: delete a segment only if what remains still holds retentionBytes.
    const oversized = (oldest: MemorySegment): boolean =>
      retentionBytes >= 0 && this.state.sizeBytes - oldest.sizeBytes >= retentionBytes;
    while (segments.length > 1 && (expired(segments[0]) || oversized(segments[0]))) {
      dropOldestSegment(this.state);
      deleted++;
    }
    return deleted;
  }

  reconfigure(changes: Partial<LogConfig>): void {
    this.ensureOpen();
    this.currentConfig = { ...this.currentConfig, ...changes };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.waiters.cancelAll();
    this.onClose();
  }

  /** The segment the next batch goes to, rolling by size and age. */
  private segmentFor(batchBytes: number, now: number): MemorySegment {
    const segments = this.state.segments;
    const active = segments[segments.length - 1];
    const full = active !== undefined && active.sizeBytes > 0 && active.sizeBytes + batchBytes > this.currentConfig.segmentBytes;
    if (active !== undefined && !full && now - active.createdAt < this.currentConfig.segmentMs) return active;
    const fresh: MemorySegment = { baseOffset: this.state.highWatermark, createdAt: now, batches: [], sizeBytes: 0, maxTimestamp: -Infinity };
    segments.push(fresh);
    return fresh;
  }

  private ensureOpen(): void {
    if (this.closed) throw new StorageError('LOG_CLOSED', `log ${this.name} is closed`);
  }
}
