/**
 * The two lookups that walk a segment from an index position: the batches containing an offset
 * (for read) and the first batch reaching a timestamp (for offsetForTimestamp).
 */
import { batchLastOffset, batchTotalBytes } from '../record-batch.js';
import type { ReadHandles } from './read-handles.js';
import type { Segment } from './segment.js';
import { SegmentReader } from './segment-reader.js';

/** Whole batches from one segment, and the offset after the last of them. */
export interface SegmentSlice {
  data: Buffer;
  nextOffset: number;
}

/**
 * Reads whole batches of `segment` starting with the one containing `offset` (which must be
 * acknowledged) through a handle borrowed from `handles`, adding following batches while the total stays within `maxBytes`.
 */
export async function readSegment(segment: Segment, offset: number, maxBytes: number, readAhead: number, handles: ReadHandles): Promise<SegmentSlice> {
  const reader = await SegmentReader.open(segment, readAhead + maxBytes, handles);
  try {
    let start = segment.positionFor(offset);
    let header = await reader.headerAt(start);
    while (batchLastOffset(header) < offset) {
      start += batchTotalBytes(header);
      header = await reader.headerAt(start);
    }
    let end = start + batchTotalBytes(header);
    let nextOffset = batchLastOffset(header) + 1;
    while (end < reader.limit) {
      const next = await reader.headerAt(end);
      const nextEnd = end + batchTotalBytes(next);
      if (nextEnd - start > maxBytes) break;
      end = nextEnd;
      nextOffset = batchLastOffset(next) + 1;
    }
    return { data: await reader.bytes(start, end), nextOffset };
  } finally {
    await reader.close();
  }
}

/**
 * Base offset of the first acknowledged batch of `segment` whose maxTimestamp is >= `timestamp`
 * and whose records reach `minOffset`, or undefined if none.
 */
export async function findTimestamp(segment: Segment, timestamp: number, minOffset: number, readAhead: number, handles: ReadHandles): Promise<number | undefined> {
  const reader = await SegmentReader.open(segment, readAhead, handles);
  try {
    for (let position = segment.positionForTimestamp(timestamp); position < reader.limit; ) {
      const header = await reader.headerAt(position);
      if (header.maxTimestamp >= timestamp && batchLastOffset(header) >= minOffset) return Math.max(header.baseOffset, minOffset);
      position += batchTotalBytes(header);
    }
    return undefined;
  } finally {
    await reader.close();
  }
}
