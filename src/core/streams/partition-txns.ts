/**
 * Transaction bookkeeping of one partition: the open transactions (whose first offset bounds the
 * last stable offset) and the index of aborted transactions that read_committed fetches list.
 */
import type { AbortedTransaction } from './types.js';

/** An aborted transaction's offset range in the partition. */
export interface AbortedRange {
  producerId: number;
  firstOffset: number;
  /** Offset of the abort marker. */
  lastOffset: number;
}

/** An open transaction; `firstOffset` is a lower bound until its first append is acknowledged. */
interface OpenTxn {
  firstOffset: number;
  settled: boolean;
}

/** Open and aborted transactions of one partition. */
export class PartitionTxns {
  private readonly open = new Map<number, OpenTxn>();
  private aborted: AbortedRange[] = [];

  /**
   * Notes a transactional batch of `producerId` about to be appended while the log ends at
   * `logEnd`. Until `settle` gives the real offset, `logEnd` (a lower bound) holds back the LSO.
   */
  begin(producerId: number, logEnd: number): boolean {
    if (this.open.has(producerId)) return false;
    this.open.set(producerId, { firstOffset: logEnd, settled: false });
    return true;
  }

  /** Sets the real first offset of an open transaction once its first batch is acknowledged. */
  settle(producerId: number, firstOffset: number): void {
    const txn = this.open.get(producerId);
    if (txn && !txn.settled) {
      txn.firstOffset = firstOffset;
      txn.settled = true;
    }
  }

  /** Drops an open transaction whose first batch failed to append. */
  cancel(producerId: number): void {
    if (this.open.get(producerId)?.settled === false) this.open.delete(producerId);
  }

  /** Closes the open transaction of `producerId` at marker offset `markerOffset`; returns the aborted range if it aborted. */
  end(producerId: number, markerOffset: number, committed: boolean): AbortedRange | null {
    const txn = this.open.get(producerId);
    this.open.delete(producerId);
    if (txn === undefined || committed) return null;
    const range = { producerId, firstOffset: txn.firstOffset, lastOffset: markerOffset };
    this.addAborted(range);
    return range;
  }

  /** True if `producerId` has an open transaction here. */
  isOpen(producerId: number): boolean {
    return this.open.has(producerId);
  }

  /** Restores a known aborted range (from the state log or a log scan). */
  addAborted(range: AbortedRange): void {
    if (this.aborted.some((r) => r.producerId === range.producerId && r.firstOffset === range.firstOffset)) return;
    this.aborted.push(range);
    this.aborted.sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /** The last stable offset: the first offset of the oldest open transaction, or `highWatermark`. */
  lastStableOffset(highWatermark: number): number {
    let lso = highWatermark;
    for (const txn of this.open.values()) lso = Math.min(lso, txn.firstOffset);
    return lso;
  }

  /** Aborted transactions overlapping the offsets [from, to). */
  abortedBetween(from: number, to: number): AbortedTransaction[] {
    return this.aborted
      .filter((r) => r.lastOffset >= from && r.firstOffset < to)
      .map((r) => ({ producerId: r.producerId, firstOffset: r.firstOffset }));
  }

  /** True if the batch of `producerId` at `offset` belongs to an aborted transaction. */
  isAborted(producerId: number, offset: number): boolean {
    return this.aborted.some((r) => r.producerId === producerId && r.firstOffset <= offset && offset <= r.lastOffset);
  }

  /** Forgets aborted ranges wholly below the log start; returns them. */
  pruneBelow(logStartOffset: number): AbortedRange[] {
    const dropped = this.aborted.filter((r) => r.lastOffset < logStartOffset);
    if (dropped.length > 0) this.aborted = this.aborted.filter((r) => r.lastOffset >= logStartOffset);
    return dropped;
  }
}
