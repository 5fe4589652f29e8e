/**
 * Read access to one segment file for a single request: walks batch headers from an index
 * position through a read-ahead window, so that most fetches cost one read. The descriptor is
 * borrowed from the log's ReadHandles for the request, so a segment deleted by retention stays
 * readable until the read ends.
 */
import { BATCH_HEADER_BYTES, readBatchHeader, type BatchHeader } from '../record-batch.js';
import { StorageError } from '../types.js';
import { readRange } from './durable-fs.js';
import { LOG_SUFFIX } from './names.js';
import type { ReadHandles, ReadLease } from './read-handles.js';
import type { Segment } from './segment.js';

/**
 * How far back from the end of the active segment bytes count as just written (in the page cache), so
 * that small reads of them are made without a thread-pool round trip (durable-fs.ts, BLOCKING_IO_MAX_BYTES).
 */
export const JUST_WRITTEN_BYTES = 1024 * 1024;

/** A read-ahead view of `[0, limit)` of a segment file. */
export class SegmentReader {
  private window: Buffer = Buffer.alloc(0);
  private windowStart = 0;

  private constructor(
    private readonly lease: ReadLease,
    private readonly path: string,
    /** Bytes of the file that may be read (the acknowledged size). */
    readonly limit: number,
    private readonly readAhead: number,
    /** Reads starting here or later are of bytes just written (Infinity for a sealed segment). */
    private readonly justWrittenFrom: number,
  ) {}

  /**
   * Borrows a handle on the segment's file for reads of its bytes acknowledged now (the limit is
   * taken before any I/O); a file already removed by retention reads as OFFSET_OUT_OF_RANGE.
   */
  static async open(segment: Segment, readAhead: number, handles: ReadHandles): Promise<SegmentReader> {
    const limit = segment.visibleSize;
    const justWrittenFrom = segment.handle === undefined ? Infinity : limit - JUST_WRITTEN_BYTES;
    return new SegmentReader(await handles.acquire(segment), segment.path(LOG_SUFFIX), limit, readAhead, justWrittenFrom);
  }

  /** The header of the batch at `position` (which must be a batch boundary below the limit). */
  async headerAt(position: number): Promise<BatchHeader> {
    await this.ensure(position, BATCH_HEADER_BYTES);
    try {
      return readBatchHeader(this.window, position - this.windowStart);
    } catch (err) {
      throw this.damaged(position, err);
    }
  }

  /** The bytes `[start, end)`, from the window when they are in it. */
  async bytes(start: number, end: number): Promise<Buffer> {
    await this.ensure(start, end - start);
    return this.window.subarray(start - this.windowStart, end - this.windowStart);
  }

  /** Gives the borrowed handle back; the reader must not be used afterwards. */
  close(): Promise<void> {
    return this.lease.release();
  }

  private async ensure(position: number, length: number): Promise<void> {
    if (position >= this.windowStart && position + length <= this.windowStart + this.window.length) return;
    if (position + length > this.limit) throw this.damaged(position, new Error('batch runs past the acknowledged end'));
    this.windowStart = position;
    const readLength = Math.min(this.limit - position, Math.max(length, this.readAhead));
    this.window = await readRange(this.lease.handle, position, readLength, position >= this.justWrittenFrom);
    if (this.window.length < length) throw this.damaged(position, new Error('file shorter than acknowledged'));
  }

  private damaged(position: number, cause: unknown): StorageError {
    const message = `${this.path} at byte ${position}: ${cause instanceof Error ? cause.message : String(cause)}`;
    console.error(`storage: unreadable batch in ${message}`);
    return new StorageError('LOG_DAMAGED', message);
  }
}
