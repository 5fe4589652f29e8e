/**
 * What a queue knows about its messages beyond the log itself: which offsets are settled and how
 * often each unsettled message was returned to the queue. Rebuilt on open by applying the
 * settlement log's records in order; summarised by `snapshot()` for compaction.
 */
import { SettledSet } from './settled-set.js';
import type { SettlementRecord } from './settlement-codec.js';

/** The settled set and delivery counts of one queue. */
export class SettlementState {
  settled = new SettledSet();
  /** Delivery counts of unsettled messages that were returned at least once. */
  readonly deliveryCounts = new Map<number, number>();

  /** Settles `[start, end)`; returns how many offsets were newly settled. */
  settleRange(start: number, end: number): number {
    const added = this.settled.addRange(start, end);
    if (added > 0) this.forgetCounts(start, end);
    return added;
  }

  /** Records the delivery count of an unsettled message (ignored once it is settled). */
  setDeliveryCount(offset: number, count: number): void {
    if (!this.settled.has(offset)) this.deliveryCounts.set(offset, count);
  }

  /** Applies one record of the settlement log. */
  apply(record: SettlementRecord): void {
    if (record.kind === 'snapshot') {
      this.settled = new SettledSet();
      this.deliveryCounts.clear();
      this.settled.addRange(0, record.lowWatermark);
    }
    if (record.kind !== 'delivery-counts') {
      for (let i = 0; i < record.ranges.length; i += 2) this.settleRange(record.ranges[i], record.ranges[i + 1]);
    }
    if (record.kind !== 'ranges') {
      for (const [offset, count] of record.counts) this.setDeliveryCount(offset, count);
    }
  }

  /** A snapshot record that, applied alone, rebuilds this state. */
  snapshot(): SettlementRecord {
    return {
      kind: 'snapshot',
      lowWatermark: this.settled.lowWatermark,
      ranges: this.settled.ranges(),
      counts: [...this.deliveryCounts],
    };
  }

  /**
   * Fits the state to a message log holding `[startOffset, highWatermark)`; returns true if it named
   * offsets past the log's end (then the settlement log must be rewritten before new messages reuse them).
   */
  clampTo(startOffset: number, highWatermark: number): boolean {
    let beyond = this.settled.end > highWatermark;
    this.settled.truncateFrom(highWatermark);
    for (const offset of this.deliveryCounts.keys()) {
      if (offset >= highWatermark) {
        this.deliveryCounts.delete(offset);
        beyond = true;
      }
    }
    this.settleRange(0, startOffset);
    return beyond;
  }

  private forgetCounts(start: number, end: number): void {
    if (this.deliveryCounts.size === 0) return;
    if (end - start <= this.deliveryCounts.size) {
      for (let offset = start; offset < end; offset++) this.deliveryCounts.delete(offset);
    } else {
      for (const offset of this.deliveryCounts.keys()) if (offset >= start && offset < end) this.deliveryCounts.delete(offset);
    }
  }
}
