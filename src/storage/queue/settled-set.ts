/**
 * The set of settled offsets of a queue: a low watermark (every offset below it is settled) plus
 * sorted, disjoint, non-touching ranges of settled offsets above it. Settling the front of the queue
 * only moves the watermark, so memory grows with the number of out-of-order settlements, never with
 * the number of messages.
 */

/** Settled offsets as a watermark plus ranges `[start, end)` above it. */
export class SettledSet {
  private low = 0;
  private starts: number[] = [];
  private ends: number[] = [];
  private countAbove = 0;

  /** The end of the highest settled range (the low watermark if nothing above it is settled). */
  get end(): number {
    return this.ends.length > 0 ? this.ends[this.ends.length - 1] : this.low;
  }

  /** Every offset below this is settled. */
  get lowWatermark(): number {
    return this.low;
  }

  /** Settled offsets at or above the low watermark. */
  get settledAboveWatermark(): number {
    return this.countAbove;
  }

  /** Number of ranges kept above the watermark (the memory this set uses). */
  get rangeCount(): number {
    return this.starts.length;
  }

  /** True if `offset` is settled. */
  has(offset: number): boolean {
    if (offset < this.low) return true;
    const i = this.lastStartAtOrBelow(offset);
    return i >= 0 && offset < this.ends[i];
  }

  /** The lowest unsettled offset >= `from` (unbounded: the caller compares it with the log end). */
  nextUnsettled(from: number): number {
    const offset = Math.max(from, this.low);
    const i = this.lastStartAtOrBelow(offset);
    return i >= 0 && offset < this.ends[i] ? this.ends[i] : offset;
  }

  /** Marks `[start, end)` settled; returns how many of those offsets were not settled before. */
  addRange(start: number, end: number): number {
    start = Math.max(start, this.low);
    if (start >= end) return 0;
    if (start === this.low && (this.starts.length === 0 || end < this.starts[0])) {
      this.low = end;
      return end - start;
    }
    const first = this.firstEndAtOrAbove(start);
    const after = this.lastStartAtOrBelow(end) + 1;
    let mergedStart = start;
    let mergedEnd = end;
    let alreadySettled = 0;
    for (let i = first; i < after; i++) {
      mergedStart = Math.min(mergedStart, this.starts[i]);
      mergedEnd = Math.max(mergedEnd, this.ends[i]);
      alreadySettled += this.ends[i] - this.starts[i];
    }
    const added = mergedEnd - mergedStart - alreadySettled;
    this.starts.splice(first, after - first, mergedStart);
    this.ends.splice(first, after - first, mergedEnd);
    this.countAbove += added;
    if (this.starts[0] === this.low) {
      this.low = this.ends[0];
      this.countAbove -= this.ends[0] - this.starts[0];
      this.starts.shift();
      this.ends.shift();
    }
    return added;
  }

  /** Forgets every settlement at or above `offset` (those offsets do not exist in the log). */
  truncateFrom(offset: number): void {
    if (this.low >= offset) {
      this.low = offset;
      this.starts = [];
      this.ends = [];
      this.countAbove = 0;
      return;
    }
    while (this.starts.length > 0 && this.ends[this.ends.length - 1] > offset) {
      const last = this.starts.length - 1;
      const keptEnd = Math.max(this.starts[last], offset);
      this.countAbove -= this.ends[last] - keptEnd;
      if (keptEnd > this.starts[last]) {
        this.ends[last] = keptEnd;
        break;
      }
      this.starts.pop();
      this.ends.pop();
    }
  }

  /** The ranges above the watermark, as a flat list `[start0, end0, start1, end1, ...]`. */
  ranges(): number[] {
    const flat: number[] = [];
    for (let i = 0; i < this.starts.length; i++) flat.push(this.starts[i], this.ends[i]);
    return flat;
  }

  /** Index of the last range starting at or below `offset`, or -1. */
  private lastStartAtOrBelow(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid] <= offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi;
  }

  /** Index of the first range ending at or above `offset` (touching counts), or the range count. */
  private firstEndAtOrAbove(offset: number): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ends[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
