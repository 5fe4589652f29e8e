/**
 * Records of a queue's settlement log (the log named `<queue log>.settled`). Each record value is:
 *
 *   ranges:          type u8 = 1 | reason u8 | rangeCount u32 | rangeCount x (start u64, end u64)
 *   delivery counts: type u8 = 2 | entryCount u32 | entryCount x (offset u64, count u32)
 *   snapshot:        type u8 = 3 | lowWatermark u64 | ranges section | delivery counts section
 *
 * where a "section" is the body of the record of that type without its type byte, ranges are
 * half-open `[start, end)`, and u64 values are big-endian and must be safe integers. A snapshot
 * replaces everything before it; ranges and delivery counts apply on top, in log order.
 * The decoder is I/O-free, checks every count against the bytes remaining before allocating,
 * and throws only StorageError('LOG_DAMAGED').
 */
import { StorageError } from '../types.js';

/** Why a message left the queue. */
export type SettleReason = 'ack' | 'expired' | 'dead-lettered' | 'dropped' | 'purged';

const REASONS: readonly SettleReason[] = ['ack', 'expired', 'dead-lettered', 'dropped', 'purged'];
const TYPE_RANGES = 1;
const TYPE_DELIVERY_COUNTS = 2;
const TYPE_SNAPSHOT = 3;
const RANGE_BYTES = 16;
const DELIVERY_COUNT_BYTES = 12;
const TWO_32 = 4294967296;

/** One decoded settlement record. Ranges are flat `[start0, end0, ...]`; counts are `[offset, count]` pairs. */
export type SettlementRecord =
  | { kind: 'ranges'; reason: SettleReason; ranges: number[] }
  | { kind: 'delivery-counts'; counts: [number, number][] }
  | { kind: 'snapshot'; lowWatermark: number; ranges: number[]; counts: [number, number][] };

/** Encodes one settlement record value. */
export function encodeSettlement(record: SettlementRecord): Buffer {
  const rangesBytes = (ranges: number[]): number => 4 + (ranges.length / 2) * RANGE_BYTES;
  const countsBytes = (counts: [number, number][]): number => 4 + counts.length * DELIVERY_COUNT_BYTES;
  const size =
    record.kind === 'ranges'
      ? 2 + rangesBytes(record.ranges)
      : record.kind === 'delivery-counts'
        ? 1 + countsBytes(record.counts)
        : 9 + rangesBytes(record.ranges) + countsBytes(record.counts);
  const out = new Writer(Buffer.allocUnsafe(size));
  if (record.kind === 'ranges') {
    out.u8(TYPE_RANGES);
    out.u8(REASONS.indexOf(record.reason));
    out.ranges(record.ranges);
  } else if (record.kind === 'delivery-counts') {
    out.u8(TYPE_DELIVERY_COUNTS);
    out.counts(record.counts);
  } else {
    out.u8(TYPE_SNAPSHOT);
    out.u64(record.lowWatermark);
    out.ranges(record.ranges);
    out.counts(record.counts);
  }
  return out.buf;
}

/** Decodes one settlement record value; throws StorageError('LOG_DAMAGED') if it is malformed. */
export function decodeSettlement(value: Buffer): SettlementRecord {
  const input = new Reader(value);
  const type = input.u8();
  let record: SettlementRecord;
  if (type === TYPE_RANGES) {
    const reason = REASONS[input.u8()];
    if (reason === undefined) throw damaged('unknown settle reason');
    record = { kind: 'ranges', reason, ranges: input.ranges() };
  } else if (type === TYPE_DELIVERY_COUNTS) {
    record = { kind: 'delivery-counts', counts: input.counts() };
  } else if (type === TYPE_SNAPSHOT) {
    record = { kind: 'snapshot', lowWatermark: input.u64(), ranges: input.ranges(), counts: input.counts() };
  } else {
    throw damaged(`unknown settlement record type ${type}`);
  }
  if (input.remaining !== 0) throw damaged(`${input.remaining} bytes after a settlement record`);
  return record;
}

function damaged(message: string): StorageError {
  return new StorageError('LOG_DAMAGED', `settlement log: ${message}`);
}

class Writer {
  private pos = 0;

  constructor(readonly buf: Buffer) {}

  u8(value: number): void {
    this.buf.writeUInt8(value, this.pos++);
  }

  u32(value: number): void {
    this.buf.writeUInt32BE(value, this.pos);
    this.pos += 4;
  }

  u64(value: number): void {
    this.u32(Math.floor(value / TWO_32));
    this.u32(value >>> 0);
  }

  ranges(flat: number[]): void {
    this.u32(flat.length / 2);
    for (const bound of flat) this.u64(bound);
  }

  counts(counts: [number, number][]): void {
    this.u32(counts.length);
    for (const [offset, count] of counts) {
      this.u64(offset);
      this.u32(count);
    }
  }
}

class Reader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(bytes: number): void {
    if (bytes > this.remaining) throw damaged(`record truncated: needs ${bytes} bytes, ${this.remaining} left`);
  }

  u8(): number {
    this.need(1);
    return this.buf.readUInt8(this.pos++);
  }

  u32(): number {
    this.need(4);
    const value = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return value;
  }

  u64(): number {
    const value = this.u32() * TWO_32 + this.u32();
    if (!Number.isSafeInteger(value)) throw damaged('offset exceeds 2^53');
    return value;
  }

  ranges(): number[] {
    const count = this.u32();
    this.need(count * RANGE_BYTES);
    const flat: number[] = [];
    for (let i = 0; i < count; i++) {
      const start = this.u64();
      const end = this.u64();
      if (end <= start) throw damaged(`empty or inverted range [${start}, ${end})`);
      flat.push(start, end);
    }
    return flat;
  }

  counts(): [number, number][] {
    const count = this.u32();
    this.need(count * DELIVERY_COUNT_BYTES);
    const counts: [number, number][] = [];
    for (let i = 0; i < count; i++) counts.push([this.u64(), this.u32()]);
    return counts;
  }
}
