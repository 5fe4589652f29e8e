/**
 * Encoding of batches rewritten by compaction. Unlike a producer's batch, a compacted batch keeps
 * each surviving record's original offset: its base offset may start earlier (covering a gap
 * left by removed records) and its records carry arbitrary offset deltas, so the rewritten log
 * answers every offset exactly as before.
 */
import { crc32c } from '../../storage/crc32c.js';
import {
  ATTR_COMPRESSION_MASK,
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD,
  encodeBatch,
  varintSize,
  writeVarint,
  type BatchHeader,
  type DecodedRecord,
} from '../../storage/record-batch.js';

const CRC_START = 21;
const TWO_32 = 4294967296;

function writeInt64(buf: Buffer, pos: number, value: number): void {
  buf.writeInt32BE(Math.floor(value / TWO_32), pos);
  buf.writeUInt32BE(value >>> 0, pos + 4);
}

function bytesSize(b: Buffer | null): number {
  return b === null ? 1 : varintSize(b.length) + b.length;
}

function writeBytes(out: Buffer, pos: number, b: Buffer | null): number {
  if (b === null) return writeVarint(out, pos, -1);
  pos = writeVarint(out, pos, b.length);
  b.copy(out, pos);
  return pos + b.length;
}

/**
 * Encodes `records` (a subset of the batch `source`, ascending offsets) as an uncompressed batch
 * spanning offsets [baseOffset, lastOffset] with every record at its original offset. Producer
 * fields are kept; the base sequence is moved so the batch's last sequence stays the same.
 */
export function encodeCompactedBatch(source: BatchHeader, records: DecodedRecord[], baseOffset: number, lastOffset: number): Buffer {
  const baseTimestamp = records.length > 0 ? records[0].timestamp : source.baseTimestamp;
  const headerKeys = records.map((r) => r.headers.map((h) => Buffer.from(h.key, 'utf8')));
  const sizes = records.map((r, i) => {
    let size = 1 + varintSize(r.timestamp - baseTimestamp) + varintSize(r.offset - baseOffset) + bytesSize(r.key) + bytesSize(r.value);
    size += varintSize(r.headers.length);
    r.headers.forEach((h, j) => (size += bytesSize(headerKeys[i][j]) + bytesSize(h.value)));
    return size;
  });
  const total = BATCH_HEADER_BYTES + sizes.reduce((sum, s) => sum + varintSize(s) + s, 0);
  const out = Buffer.allocUnsafe(total);
  writeInt64(out, 0, baseOffset);
  out.writeInt32BE(total - BATCH_LOG_OVERHEAD, 8);
  out.writeInt32BE(source.partitionLeaderEpoch, 12);
  out.writeInt8(2, 16);
  out.writeInt16BE(source.attributes & ~ATTR_COMPRESSION_MASK, 21);
  out.writeInt32BE(lastOffset - baseOffset, 23);
  writeInt64(out, 27, baseTimestamp);
  writeInt64(out, 35, source.maxTimestamp);
  writeInt64(out, 43, source.producerId);
  out.writeInt16BE(source.producerEpoch, 51);
  const lastSequence = source.baseSequence < 0 ? -1 : source.baseSequence + source.lastOffsetDelta;
  const baseSequence = lastSequence - (lastOffset - baseOffset);
  out.writeInt32BE(lastSequence < 0 || baseSequence < 0 ? -1 : baseSequence, 53);
  out.writeInt32BE(records.length, 57);
  let pos = BATCH_HEADER_BYTES;
  records.forEach((r, i) => {
    pos = writeVarint(out, pos, sizes[i]);
    out.writeInt8(0, pos++);
    pos = writeVarint(out, pos, r.timestamp - baseTimestamp);
    pos = writeVarint(out, pos, r.offset - baseOffset);
    pos = writeBytes(out, pos, r.key);
    pos = writeBytes(out, pos, r.value);
    pos = writeVarint(out, pos, r.headers.length);
    r.headers.forEach((h, j) => {
      pos = writeBytes(out, pos, headerKeys[i][j]);
      pos = writeBytes(out, pos, h.value);
    });
  });
  out.writeUInt32BE(crc32c(out, CRC_START, total), 17);
  return out;
}

/** An empty batch that only occupies offsets [baseOffset, lastOffset], for gaps no record can cover. */
export function encodeFillerBatch(baseOffset: number, lastOffset: number, timestamp: number): Buffer {
  const out = encodeBatch([], { baseOffset });
  out.writeInt32BE(lastOffset - baseOffset, 23);
  writeInt64(out, 27, timestamp);
  writeInt64(out, 35, timestamp);
  out.writeUInt32BE(crc32c(out, CRC_START, out.length), 17);
  return out;
}
