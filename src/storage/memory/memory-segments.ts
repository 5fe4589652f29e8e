/**
 * The in-memory layout of a log: segments of whole batches, each batch kept with the header
 * fields that reads, timestamp lookups and retention need. Offsets are dense and increasing.
 */

/** One stored batch (its bytes carry the stamped base offset). */
export interface StoredBatch {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  bytes: Buffer;
}

/** A run of consecutive batches that retention deletes as a whole. */
export interface MemorySegment {
  baseOffset: number;
  /** Wall-clock time of the segment's first append, for time-based rolling. */
  createdAt: number;
  batches: StoredBatch[];
  sizeBytes: number;
  /** Largest batch maxTimestamp in the segment, for time-based retention. */
  maxTimestamp: number;
}

/** Everything a memory log keeps between a close and the next open of the same name. */
export interface MemoryLogState {
  segments: MemorySegment[];
  startOffset: number;
  highWatermark: number;
  sizeBytes: number;
}

/** A fresh, empty log state. */
export function emptyLogState(): MemoryLogState {
  return { segments: [], startOffset: 0, highWatermark: 0, sizeBytes: 0 };
}

/** Index of the last item whose baseOffset is <= offset (items sorted by baseOffset), or -1. */
export function lastAtOrBelow(items: readonly { baseOffset: number }[], offset: number): number {
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid].baseOffset <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** Adds a batch to a segment, keeping its size and newest timestamp. */
export function addBatch(segment: MemorySegment, batch: StoredBatch): void {
  segment.batches.push(batch);
  segment.sizeBytes += batch.bytes.length;
  if (batch.maxTimestamp > segment.maxTimestamp) segment.maxTimestamp = batch.maxTimestamp;
}

/** Removes the oldest segment, moving the log's start offset to the next one. */
export function dropOldestSegment(state: MemoryLogState): void {
  const dropped = state.segments.shift();
  if (dropped === undefined) return;
  state.sizeBytes -= dropped.sizeBytes;
  const next = state.segments[0]?.baseOffset ?? state.highWatermark;
  if (next > state.startOffset) state.startOffset = next;
}
