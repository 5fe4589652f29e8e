/**
 * Sequential validation of a segment file: walks batch headers from a position to the end of the
 * file, checking each header, the CRC-32C of each batch and that offsets are dense, in chunks.
 */
import type { FileHandle } from 'node:fs/promises';
import { BATCH_HEADER_BYTES, batchTotalBytes, readBatchHeader, verifyBatchCrc, type BatchHeader } from '../record-batch.js';
import { StorageError } from '../types.js';
import { readRange } from './durable-fs.js';

const CHUNK_BYTES = 1 << 20;

/** Where and why a scan stopped early. */
export interface ScanProblem {
  position: number;
  reason: string;
}

/** Outcome of a scan: the end of the valid prefix, and the problem that ended it, if any. */
export interface ScanResult {
  end: number;
  nextOffset: number;
  problem?: ScanProblem;
}

/**
 * Scans `[from, fileSize)` of a segment expecting the first batch at `expectedOffset`, calling
 * `visit` for each valid batch in order. Stops at the first truncated, malformed or CRC-failing
 * batch, or at an offset that does not follow on.
 */
export async function scanSegment(
  handle: FileHandle,
  from: number,
  fileSize: number,
  expectedOffset: number,
  visit: (position: number, header: BatchHeader) => void,
): Promise<ScanResult> {
  let chunk: Buffer = Buffer.alloc(0);
  let chunkStart = from;
  /** Makes `[position, position + length)` available in `chunk` (the caller checked it is in the file). */
  const ensure = async (position: number, length: number): Promise<void> => {
    if (position >= chunkStart && position + length <= chunkStart + chunk.length) return;
    chunkStart = position;
    chunk = await readRange(handle, position, Math.min(Math.max(length, CHUNK_BYTES), fileSize - position));
    if (chunk.length < length) throw new StorageError('LOG_DAMAGED', `file shrank under a scan at ${position}`);
  };
  let position = from;
  let nextOffset = expectedOffset;
  const stop = (reason: string): ScanResult => ({ end: position, nextOffset, problem: { position, reason } });
  while (position < fileSize) {
    if (fileSize - position < BATCH_HEADER_BYTES) return stop(`${fileSize - position} trailing bytes, less than a batch header`);
    await ensure(position, BATCH_HEADER_BYTES);
    let header: BatchHeader;
    try {
      header = readBatchHeader(chunk, position - chunkStart);
    } catch (err) {
      return stop(err instanceof StorageError ? err.message : String(err));
    }
    const total = batchTotalBytes(header);
    if (position + total > fileSize) return stop(`batch of ${total} bytes runs past the end of the file`);
    if (header.baseOffset !== nextOffset) return stop(`batch offset ${header.baseOffset}, expected ${nextOffset}`);
    await ensure(position, total);
    if (!verifyBatchCrc(chunk, position - chunkStart)) return stop('CRC-32C mismatch');
    visit(position, header);
    position += total;
    nextOffset = header.baseOffset + header.lastOffsetDelta + 1;
  }
  return { end: position, nextOffset };
}
