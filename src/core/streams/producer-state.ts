/**
 * Idempotent producer state of one partition: per producer id, its epoch and the last five batches
 * it appended (sequence range and offsets), as Kafka keeps it. A retried batch that matches one of
 * them is a duplicate (answered with its original offset, not appended again); a batch whose
 * sequence does not follow the last one is out of order.
 */
import type { BatchHeader } from '../../storage/record-batch.js';
import { brokerError } from './error-codes.js';

/** How many recent batches per producer are remembered for duplicate detection (Kafka's 5 in-flight limit). */
const RECENT_BATCHES = 5;
const INT32_MAX = 2147483647;

/** One recent batch of a producer; `baseOffset` settles once the append is acknowledged. */
export interface RecentBatch {
  firstSeq: number;
  lastSeq: number;
  baseOffset: Promise<number>;
}

interface ProducerEntry {
  epoch: number;
  recent: RecentBatch[];
  lastSeen: number;
}

/** The outcome of checking a batch: append it, or answer with the offset of its earlier copy. */
export type SequenceCheck = { duplicateOf: RecentBatch } | { duplicateOf: null };

function lastSequence(header: BatchHeader): number {
  const last = header.baseSequence + header.lastOffsetDelta;
  return last > INT32_MAX ? last - INT32_MAX - 1 : last;
}

function nextSequence(seq: number): number {
  return seq === INT32_MAX ? 0 : seq + 1;
}

/** The producers known to one partition. */
export class ProducerStateTable {
  private readonly producers = new Map<number, ProducerEntry>();

  /**
   * Checks the epoch and sequence of a client batch from an idempotent producer. Throws
   * INVALID_PRODUCER_EPOCH for an older epoch and OUT_OF_ORDER_SEQUENCE_NUMBER for a gap.
   */
  check(header: BatchHeader): SequenceCheck {
    const entry = this.producers.get(header.producerId);
    if (entry === undefined) return { duplicateOf: null };
    if (header.producerEpoch < entry.epoch) {
      throw brokerError('INVALID_PRODUCER_EPOCH', `producer ${header.producerId} epoch ${header.producerEpoch} is older than ${entry.epoch}`);
    }
    if (header.producerEpoch > entry.epoch || entry.recent.length === 0) {
      if (header.baseSequence !== 0 && header.producerEpoch > entry.epoch) {
        throw brokerError('OUT_OF_ORDER_SEQUENCE_NUMBER', `a new epoch of producer ${header.producerId} must start at sequence 0, got ${header.baseSequence}`);
      }
      return { duplicateOf: null };
    }
    const last = lastSequence(header);
    const duplicate = entry.recent.find((b) => b.firstSeq === header.baseSequence && b.lastSeq === last);
    if (duplicate) return { duplicateOf: duplicate };
    const expected = nextSequence(entry.recent[entry.recent.length - 1].lastSeq);
    if (header.baseSequence !== expected) {
      throw brokerError(
        'OUT_OF_ORDER_SEQUENCE_NUMBER',
        `producer ${header.producerId} sent sequence ${header.baseSequence}, expected ${expected}`,
      );
    }
    return { duplicateOf: null };
  }

  /** Records an accepted batch (before its append settles, so later batches check against it). */
  record(header: BatchHeader, baseOffset: Promise<number>, now: number): RecentBatch {
    const batch = { firstSeq: header.baseSequence, lastSeq: lastSequence(header), baseOffset };
    const entry = this.entryFor(header.producerId, header.producerEpoch, now);
    entry.recent.push(batch);
    if (entry.recent.length > RECENT_BATCHES) entry.recent.shift();
    return batch;
  }

  /** Forgets a recorded batch whose append failed, so the producer may retry it. */
  forget(producerId: number, batch: RecentBatch): void {
    const entry = this.producers.get(producerId);
    if (entry) entry.recent = entry.recent.filter((b) => b !== batch);
  }

  /** Notes a transaction marker: the producer's epoch moves to the marker's. */
  recordMarker(producerId: number, epoch: number, now: number): void {
    this.entryFor(producerId, epoch, now);
  }

  /** Replays a stored batch header during recovery. */
  replay(header: BatchHeader, isControl: boolean, now: number): void {
    if (header.producerId < 0) return;
    if (isControl || header.baseSequence < 0) this.recordMarker(header.producerId, header.producerEpoch, now);
    else this.record(header, Promise.resolve(header.baseOffset), now);
  }

  /** Drops producers idle for longer than `maxIdleMs`. */
  expire(now: number, maxIdleMs: number): void {
    for (const [id, entry] of this.producers) {
      if (now - entry.lastSeen > maxIdleMs) this.producers.delete(id);
    }
  }

  private entryFor(producerId: number, epoch: number, now: number): ProducerEntry {
    let entry = this.producers.get(producerId);
    if (entry === undefined || epoch > entry.epoch) {
      entry = { epoch, recent: [], lastSeen: now };
      this.producers.set(producerId, entry);
    }
    entry.lastSeen = now;
    return entry;
  }
}
