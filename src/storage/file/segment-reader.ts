/**
 * Read access to one segment file for a single request: walks batch headers from an index
 * position through a read-ahead window, so that most fetches cost one open and one read.
 * Opened per request, so a segment deleted by retention stays readable until the read ends and no
 * descriptor outlives the request.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { BATCH_HEADER_BYTES, readBatchHeader, type BatchHeader } from '../record-batch.js';
import { StorageError } from '../types.js';
import { readRange } from './durable-fs.js';
import { LOG_SUFFIX } from './names.js';
import type { Segment } from './segment.js';

/** A read-ahead view of `[0, limit)` of a segment file. */
export class SegmentReader {
  private window: Buffer = Buffer.alloc(0);
  private windowStart = 0;

  private constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
    /** Bytes of the file that may be read (the acknowledged size). */
    readonly limit: number,
    private readonly readAhead: number,
  ) {}

  /**
   * Opens the segment's file for reads of its bytes acknowledged now (the limit is taken before
   * any I/O); a file already removed by retention reads as OFFSET_OUT_OF_RANGE.
   */
  static async open(segment: Segment, readAhead: number): Promise<SegmentReader> {
    const path = segment.path(LOG_SUFFIX);
    const limit = segment.visibleSize;
    try {
      return new SegmentReader(await open(path, 'r'), path, limit, readAhead);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StorageError('OFFSET_OUT_OF_RANGE', `segment ${path} was deleted`);
      throw err;
    }
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

  async close(): Promise<void> {
    await this.handle.close();
  }

  private async ensure(position: number, length: number): Promise<void> {
    if (position >= this.windowStart && position + length <= this.windowStart + this.window.length) return;
    if (position + length > this.limit) throw this.damaged(position, new Error('batch runs past the acknowledged end'));
    this.windowStart = position;
    this.window = await readRange(this.handle, position, Math.min(this.limit - position, Math.max(length, this.readAhead)));
    if (this.window.length < length) throw this.damaged(position, new Error('file shorter than acknowledged'));
  }

  private damaged(position: number, cause: unknown): StorageError {
    const message = `${this.path} at byte ${position}: ${cause instanceof Error ? cause.message : String(cause)}`;
    console.error(`storage: unreadable batch in ${message}`);
    return new StorageError('LOG_DAMAGED', message);
  }
}
