/**
 * Kafka record batch v2 (magic 2): header access, CRC-32C checks, offset stamping, and an
 * uncompressed encoder/decoder for records.
 *
 * Layout (big-endian; offsets from the start of the batch):
 *   0 baseOffset i64 | 8 batchLength i32 | 12 partitionLeaderEpoch i32 | 16 magic i8 | 17 crc u32
 *   21 attributes i16 | 23 lastOffsetDelta i32 | 27 baseTimestamp i64 | 35 maxTimestamp i64
 *   43 producerId i64 | 51 producerEpoch i16 | 53 baseSequence i32 | 57 recordCount i32 | 61 records
 * The CRC covers bytes 21 to the end of the batch, so baseOffset and partitionLeaderEpoch can be
 * rewritten in place. Record fields are zig-zag varints.
 *
 * Every decoder here is I/O-free, checks each length and count against the bytes that remain
 * before allocating, and throws only StorageError('CORRUPT_BATCH').
 */
import { crc32c } from './crc32c.js';
import { StorageError } from './types.js';

/** Size of the fixed batch header, up to and including recordCount. */
export const BATCH_HEADER_BYTES = 61;
/** Bytes before the part counted by batchLength (baseOffset + batchLength). */
export const BATCH_LOG_OVERHEAD = 12;
/** Attribute bits 0-2: compression codec (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
export const ATTR_COMPRESSION_MASK = 0x07;
/** Attribute bit 3: timestamps are log-append time. */
export const ATTR_TIMESTAMP_LOG_APPEND = 0x08;
/** Attribute bit 4: the batch belongs to a transaction. */
export const ATTR_TRANSACTIONAL = 0x10;
/** Attribute bit 5: a control batch (transaction marker). */
export const ATTR_CONTROL = 0x20;

const MAGIC = 2;
const CRC_START = 21;
const TWO_32 = 4294967296;
/** The smallest possible record: length, attributes, timestampDelta, offsetDelta, key, value, headerCount. */
const MIN_RECORD_BYTES = 7;
/** The smallest possible header: key length and value length. */
const MIN_HEADER_BYTES = 2;

// Zig-zag varints for integers of magnitude below 2^52 (far beyond any offset or timestamp delta):
// arithmetic instead of bit operations keeps 64-bit varlongs exact.
/** Longest varlong encoding (64 bits in 7-bit groups). */
const MAX_VARINT_BYTES = 10;

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

/** Bytes needed to encode `n` as a zig-zag varint. */
export function varintSize(n: number): number {
  let z = zigzag(n);
  let size = 1;
  while (z >= 128) {
    z = Math.floor(z / 128);
    size++;
  }
  return size;
}

/** Writes `n` as a zig-zag varint at `pos`; returns the position after it. */
export function writeVarint(buf: Buffer, pos: number, n: number): number {
  let z = zigzag(n);
  while (z >= 128) {
    buf[pos++] = (z % 128) | 0x80;
    z = Math.floor(z / 128);
  }
  buf[pos++] = z;
  return pos;
}

/**
 * Reads a zig-zag varint from `buf[pos, end)`; returns [value, position after it].
 * Throws StorageError('CORRUPT_BATCH') if it runs past `end`, is too long, or exceeds 2^52 in magnitude.
 */
export function readVarint(buf: Buffer, pos: number, end: number): [number, number] {
  let z = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (pos >= end) throw new StorageError('CORRUPT_BATCH', 'varint truncated');
    const b = buf[pos++];
    z += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      if (!Number.isSafeInteger(z)) throw new StorageError('CORRUPT_BATCH', 'varint exceeds 2^52');
      return [z % 2 === 0 ? z / 2 : -(z + 1) / 2, pos];
    }
    scale *= 128;
  }
  throw new StorageError('CORRUPT_BATCH', 'varint longer than 10 bytes');
}

/** The decoded fixed header of one batch. */
export interface BatchHeader {
  baseOffset: number;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

function corrupt(message: string): StorageError {
  return new StorageError('CORRUPT_BATCH', message);
}

// Big-endian reads by hand: the callers have checked the bounds, and these inline far better
// than Buffer's checked readers on the append path.
function int16(buf: Buffer, pos: number): number {
  return (((buf[pos] << 8) | buf[pos + 1]) << 16) >> 16;
}

function int32(buf: Buffer, pos: number): number {
  return (buf[pos] << 24) | (buf[pos + 1] << 16) | (buf[pos + 2] << 8) | buf[pos + 3];
}

function uint32(buf: Buffer, pos: number): number {
  return int32(buf, pos) >>> 0;
}

function readInt64(buf: Buffer, pos: number): number {
  return int32(buf, pos) * TWO_32 + uint32(buf, pos + 4);
}

function writeInt64(buf: Buffer, pos: number, value: number): void {
  buf.writeInt32BE(Math.floor(value / TWO_32), pos);
  buf.writeUInt32BE(value >>> 0, pos + 4);
}

/**
 * Reads the 61-byte header at `pos`. Needs only the header bytes, not the whole batch (use
 * verifyBatchCrc or batchTotalBytes for that). Throws CORRUPT_BATCH if fewer than 61 bytes remain,
 * magic is not 2, or the lengths and counts are inconsistent.
 */
export function readBatchHeader(buf: Buffer, pos = 0): BatchHeader {
  if (pos < 0 || buf.length - pos < BATCH_HEADER_BYTES) throw corrupt(`batch header truncated at ${pos}`);
  const magic = buf[pos + 16];
  if (magic !== MAGIC) throw corrupt(`unsupported batch magic ${(magic << 24) >> 24} at ${pos}`);
  const batchLength = int32(buf, pos + 8);
  if (batchLength < BATCH_HEADER_BYTES - BATCH_LOG_OVERHEAD) throw corrupt(`batch length ${batchLength} too small at ${pos}`);
  const lastOffsetDelta = int32(buf, pos + 23);
  const recordCount = int32(buf, pos + 57);
  if (lastOffsetDelta < 0 || recordCount < 0) throw corrupt(`negative record count or offset delta at ${pos}`);
  return {
    baseOffset: readInt64(buf, pos),
    batchLength,
    partitionLeaderEpoch: int32(buf, pos + 12),
    magic,
    crc: uint32(buf, pos + 17),
    attributes: int16(buf, pos + 21),
    lastOffsetDelta,
    baseTimestamp: readInt64(buf, pos + 27),
    maxTimestamp: readInt64(buf, pos + 35),
    producerId: readInt64(buf, pos + 43),
    producerEpoch: int16(buf, pos + 51),
    baseSequence: int32(buf, pos + 53),
    recordCount,
  };
}

/** Whole size of the batch on disk and on the wire: 12 + batchLength. */
export function batchTotalBytes(header: BatchHeader): number {
  return BATCH_LOG_OVERHEAD + header.batchLength;
}

/** Offset of the last record of the batch. */
export function batchLastOffset(header: BatchHeader): number {
  return header.baseOffset + header.lastOffsetDelta;
}

/**
 * True if the whole batch at `pos` is present, has magic 2, and its stored CRC-32C matches its bytes.
 * Returns false (never throws) for a truncated or malformed batch.
 */
export function verifyBatchCrc(buf: Buffer, pos = 0): boolean {
  if (pos < 0 || buf.length - pos < BATCH_HEADER_BYTES || buf[pos + 16] !== MAGIC) return false;
  const end = pos + BATCH_LOG_OVERHEAD + int32(buf, pos + 8);
  if (end < pos + BATCH_HEADER_BYTES || end > buf.length) return false;
  return crc32c(buf, pos + CRC_START, end) === uint32(buf, pos + 17);
}

/**
 * True if `buf` is exactly one whole batch that readBatchHeader accepts and whose CRC-32C matches:
 * the checks of readBatchHeader, batchTotalBytes and verifyBatchCrc together, without decoding the
 * header into an object (the append path). Never throws.
 */
export function isWholeValidBatch(buf: Buffer): boolean {
  if (buf.length < BATCH_HEADER_BYTES || buf[16] !== MAGIC || BATCH_LOG_OVERHEAD + int32(buf, 8) !== buf.length) return false;
  if (int32(buf, 23) < 0 || int32(buf, 57) < 0) return false;
  return crc32c(buf, CRC_START, buf.length) === uint32(buf, 17);
}

/** lastOffsetDelta of the batch at `pos` (the caller has checked its header). */
export function batchLastOffsetDelta(buf: Buffer, pos = 0): number {
  return int32(buf, pos + 23);
}

/** maxTimestamp of the batch at `pos` (the caller has checked its header). */
export function batchMaxTimestamp(buf: Buffer, pos = 0): number {
  return readInt64(buf, pos + 35);
}

/** Writes `offset` into the baseOffset field of the batch at `pos` (outside the CRC). */
export function writeBaseOffset(buf: Buffer, pos: number, offset: number): void {
  writeInt64(buf, pos, offset);
}

/** One record to encode. */
export interface RecordInput {
  key: Buffer | null;
  value: Buffer | null;
  headers?: { key: string; value: Buffer | null }[];
  /** Create time in ms; defaults to now. */
  timestamp?: number;
}

/** Batch-level fields for encodeBatch; unset fields mean "not idempotent, not transactional". */
export interface BatchOptions {
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  control?: boolean;
  baseOffset?: number;
  partitionLeaderEpoch?: number;
}

function bytesSize(b: Buffer | null): number {
  return b === null ? varintSize(-1) : varintSize(b.length) + b.length;
}

function writeBytes(out: Buffer, pos: number, b: Buffer | null): number {
  if (b === null) return writeVarint(out, pos, -1);
  pos = writeVarint(out, pos, b.length);
  b.copy(out, pos);
  return pos + b.length;
}

/** Encodes records into one uncompressed batch with its CRC filled in. */
export function encodeBatch(records: RecordInput[], options: BatchOptions = {}): Buffer {
  const now = Date.now();
  const baseTimestamp = records.length > 0 ? records[0].timestamp ?? now : now;
  let maxTimestamp = records.length > 0 ? -Infinity : baseTimestamp;
  const bodies: { size: number; headerKeys: Buffer[] }[] = [];
  let total = BATCH_HEADER_BYTES;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const ts = r.timestamp ?? now;
    if (ts > maxTimestamp) maxTimestamp = ts;
    const headers = r.headers ?? [];
    const headerKeys = headers.map((h) => Buffer.from(h.key, 'utf8'));
    let size = 1 + varintSize(ts - baseTimestamp) + varintSize(i) + bytesSize(r.key) + bytesSize(r.value);
    size += varintSize(headers.length);
    for (let h = 0; h < headers.length; h++) size += bytesSize(headerKeys[h]) + bytesSize(headers[h].value);
    bodies.push({ size, headerKeys });
    total += varintSize(size) + size;
  }
  const out = Buffer.allocUnsafe(total);
  writeInt64(out, 0, options.baseOffset ?? 0);
  out.writeInt32BE(total - BATCH_LOG_OVERHEAD, 8);
  out.writeInt32BE(options.partitionLeaderEpoch ?? -1, 12);
  out.writeInt8(MAGIC, 16);
  const attributes = (options.transactional ? ATTR_TRANSACTIONAL : 0) | (options.control ? ATTR_CONTROL : 0);
  out.writeInt16BE(attributes, 21);
  out.writeInt32BE(Math.max(records.length - 1, 0), 23);
  writeInt64(out, 27, baseTimestamp);
  writeInt64(out, 35, maxTimestamp);
  writeInt64(out, 43, options.producerId ?? -1);
  out.writeInt16BE(options.producerEpoch ?? -1, 51);
  out.writeInt32BE(options.baseSequence ?? -1, 53);
  out.writeInt32BE(records.length, 57);
  let pos = BATCH_HEADER_BYTES;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const { size, headerKeys } = bodies[i];
    pos = writeVarint(out, pos, size);
    out.writeInt8(0, pos++);
    pos = writeVarint(out, pos, (r.timestamp ?? now) - baseTimestamp);
    pos = writeVarint(out, pos, i);
    pos = writeBytes(out, pos, r.key);
    pos = writeBytes(out, pos, r.value);
    const headers = r.headers ?? [];
    pos = writeVarint(out, pos, headers.length);
    for (let h = 0; h < headers.length; h++) {
      pos = writeBytes(out, pos, headerKeys[h]);
      pos = writeBytes(out, pos, headers[h].value);
    }
  }
  out.writeUInt32BE(crc32c(out, CRC_START, total), 17);
  return out;
}

/** One record decoded from a batch, with absolute offset and timestamp. */
export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
}

/** A bounds-checked cursor over the records region of one batch. */
class RecordReader {
  constructor(
    private readonly buf: Buffer,
    public pos: number,
    private readonly end: number,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  varint(): number {
    const [value, next] = readVarint(this.buf, this.pos, this.end);
    this.pos = next;
    return value;
  }

  int8(): number {
    if (this.pos >= this.end) throw corrupt('record truncated');
    return this.buf.readInt8(this.pos++);
  }

  /** A length-prefixed byte string (-1 for null), as a view into the batch. */
  bytes(): Buffer | null {
    const length = this.varint();
    if (length === -1) return null;
    if (length < 0 || length > this.remaining) throw corrupt(`record field length ${length} exceeds ${this.remaining} bytes left`);
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }
}

/**
 * Decodes the records of the uncompressed batch at `pos`. Keys, values and header values are views
 * into `batch`. Does not check the CRC (use verifyBatchCrc). Throws CORRUPT_BATCH if the batch is
 * compressed, truncated, or its records do not exactly fill it.
 */
export function decodeRecords(batch: Buffer, pos = 0): DecodedRecord[] {
  const header = readBatchHeader(batch, pos);
  if ((header.attributes & ATTR_COMPRESSION_MASK) !== 0) throw corrupt('compressed batches are not decoded');
  const end = pos + batchTotalBytes(header);
  if (end > batch.length) throw corrupt(`batch at ${pos} needs ${end - pos} bytes, ${batch.length - pos} present`);
  const reader = new RecordReader(batch, pos + BATCH_HEADER_BYTES, end);
  if (header.recordCount > reader.remaining / MIN_RECORD_BYTES) throw corrupt(`record count ${header.recordCount} exceeds batch size`);
  const records: DecodedRecord[] = [];
  for (let i = 0; i < header.recordCount; i++) {
    const length = reader.varint();
    if (length < MIN_RECORD_BYTES - 1 || length > reader.remaining) throw corrupt(`record length ${length} out of bounds`);
    const recordEnd = reader.pos + length;
    const record = new RecordReader(batch, reader.pos, recordEnd);
    record.int8();
    const timestamp = header.baseTimestamp + record.varint();
    const offset = header.baseOffset + record.varint();
    const key = record.bytes();
    const value = record.bytes();
    const headerCount = record.varint();
    if (headerCount < 0 || headerCount > record.remaining / MIN_HEADER_BYTES) throw corrupt(`header count ${headerCount} out of bounds`);
    const headers: DecodedRecord['headers'] = [];
    for (let h = 0; h < headerCount; h++) {
      const headerKey = record.bytes();
      if (headerKey === null) throw corrupt('null record header key');
      headers.push({ key: headerKey.toString('utf8'), value: record.bytes() });
    }
    if (record.remaining !== 0) throw corrupt(`record ${i} has ${record.remaining} trailing bytes`);
    reader.pos = recordEnd;
    records.push({ offset, timestamp, key, value, headers });
  }
  if (reader.remaining !== 0) throw corrupt(`${reader.remaining} bytes after the last record`);
  return records;
}

/**
 * Splits back-to-back whole batches into views of `data` (no copies). Throws CORRUPT_BATCH if a
 * header is malformed or the last batch is incomplete; does not check CRCs.
 */
export function splitBatches(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < data.length) {
    const end = pos + batchTotalBytes(readBatchHeader(data, pos));
    if (end > data.length) throw corrupt(`batch at ${pos} is incomplete`);
    out.push(data.subarray(pos, end));
    pos = end;
  }
  return out;
}
