/**
 * A compact, self-describing binary form of field values, used to store message properties and
 * durable metadata in logs. Lossless for every FieldValue (including bigint, Date, Buffer, decimals and
 * typed numbers). The decoder is I/O-free, checks every length against the bytes left before it
 * allocates, and throws only BrokerError INTERNAL_ERROR (stored data that does not decode is damage).
 */
import { BrokerError } from '../errors.js';
import { FieldDecimal, FieldTypedNumber, isDecimalLike, isTypedNumberLike, type FieldNumberType, type FieldTable, type FieldValue } from './field-values.js';

const enum Tag {
  Null = 0,
  False = 1,
  True = 2,
  Float = 3,
  BigInt = 4,
  String = 5,
  Bytes = 6,
  Date = 7,
  Array = 8,
  Table = 9,
  Decimal = 10,
  Typed = 11,
}

const MAX_DEPTH = 64;
const NUMBER_TYPES = new Set<string>(['b', 'B', 's', 'u', 'I', 'i', 'l', 'f', 'd']);

/** Growable output buffer. */
class Writer {
  buf = Buffer.allocUnsafe(128);
  pos = 0;

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
  }

  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  bytes(b: Buffer): void {
    this.u32(b.length);
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  string(s: string): void {
    const len = Buffer.byteLength(s, 'utf8');
    this.u32(len);
    this.ensure(len);
    this.buf.write(s, this.pos, len, 'utf8');
    this.pos += len;
  }
}

function writeValue(w: Writer, v: FieldValue | undefined, depth: number): void {
  if (depth > MAX_DEPTH) throw new BrokerError('PRECONDITION_FAILED', 'field table nested too deeply');
  if (v === null || v === undefined) return w.u8(Tag.Null);
  switch (typeof v) {
    case 'boolean':
      return w.u8(v ? Tag.True : Tag.False);
    case 'number':
      w.u8(Tag.Float);
      return w.f64(v);
    case 'bigint':
      w.u8(Tag.BigInt);
      return w.string(v.toString());
    case 'string':
      w.u8(Tag.String);
      return w.string(v);
  }
  if (Buffer.isBuffer(v)) {
    w.u8(Tag.Bytes);
    return w.bytes(v);
  }
  if (v instanceof Date) {
    w.u8(Tag.Date);
    return w.f64(v.getTime());
  }
  if (Array.isArray(v)) {
    w.u8(Tag.Array);
    w.u32(v.length);
    for (const item of v) writeValue(w, item, depth + 1);
    return;
  }
  if (isDecimalLike(v)) {
    w.u8(Tag.Decimal);
    w.u8(v.scale & 0xff);
    return w.f64(v.value);
  }
  if (isTypedNumberLike(v)) {
    w.u8(Tag.Typed);
    w.u8(v.type.charCodeAt(0));
    return writeValue(w, v.value, depth + 1);
  }
  writeTable(w, v as FieldTable, depth + 1);
}

function writeTable(w: Writer, table: FieldTable, depth: number): void {
  w.u8(Tag.Table);
  const countAt = w.pos;
  w.u32(0);
  let count = 0;
  // for-in rather than Object.keys: no array per table; inherited keys are not the table's.
  for (const k in table) {
    if (!Object.hasOwn(table, k)) continue;
    const v = table[k];
    if (v === undefined) continue;
    count++;
    w.string(k);
    writeValue(w, v, depth);
  }
  w.buf.writeUInt32BE(count, countAt);
}

/** Encoding space shared by every encode (encoding is synchronous); the result is copied out of it. */
let scratch = new Writer();
/** A scratch space grown past this by one large value is let go after it. */
const SCRATCH_KEPT_BYTES = 64 * 1024;

/** Encodes one field value (a table, typically) to bytes. */
export function encodeFieldValue(value: FieldValue): Buffer {
  const w = scratch;
  w.pos = 0;
  writeValue(w, value, 0);
  const out = Buffer.allocUnsafe(w.pos);
  w.buf.copy(out, 0, 0, w.pos);
  if (w.buf.length > SCRATCH_KEPT_BYTES) scratch = new Writer();
  return out;
}

function damaged(message: string): BrokerError {
  return new BrokerError('INTERNAL_ERROR', `stored field data is damaged: ${message}`);
}

/** Bounds-checked reader over encoded field values. */
class Reader {
  pos: number;
  constructor(
    private readonly buf: Buffer,
    start: number,
    private readonly end: number,
  ) {
    this.pos = start;
  }

  need(n: number): void {
    if (n < 0 || this.end - this.pos < n) throw damaged(`needs ${n} bytes at ${this.pos}, ${this.end - this.pos} left`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  f64(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  bytes(): Buffer {
    const len = this.u32();
    this.need(len);
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + len));
    this.pos += len;
    return out;
  }

  string(): string {
    const len = this.u32();
    this.need(len);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  value(depth: number): FieldValue {
    if (depth > MAX_DEPTH) throw damaged('nested too deeply');
    const tag = this.u8();
    switch (tag) {
      case Tag.Null:
        return null;
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.Float:
        return this.f64();
      case Tag.BigInt: {
        const text = this.string();
        if (!/^-?\d+$/.test(text)) throw damaged(`bad integer '${text}'`);
        return BigInt(text);
      }
      case Tag.String:
        return this.string();
      case Tag.Bytes:
        return this.bytes();
      case Tag.Date:
        return new Date(this.f64());
      case Tag.Array: {
        const count = this.u32();
        this.need(count); // every item takes at least one byte
        const out: FieldValue[] = [];
        for (let i = 0; i < count; i++) out.push(this.value(depth + 1));
        return out;
      }
      case Tag.Table:
        return this.table(depth + 1);
      case Tag.Decimal: {
        const scale = this.u8();
        return new FieldDecimal(scale, this.f64());
      }
      case Tag.Typed: {
        const type = String.fromCharCode(this.u8());
        if (!NUMBER_TYPES.has(type)) throw damaged(`bad number type '${type}'`);
        const inner = this.value(depth + 1);
        if (typeof inner !== 'number' && typeof inner !== 'bigint') throw damaged('typed value is not a number');
        return new FieldTypedNumber(type as FieldNumberType, inner);
      }
      default:
        throw damaged(`unknown tag ${tag}`);
    }
  }

  table(depth: number): FieldTable {
    const count = this.u32();
    this.need(count * 5); // each entry: a 4-byte key length and a 1-byte tag at least
    const out: FieldTable = {};
    for (let i = 0; i < count; i++) {
      const key = this.string();
      const value = this.value(depth);
      // defineProperty keeps a '__proto__' key an ordinary entry instead of changing the prototype
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
    }
    return out;
  }
}

/** Decodes one field value from `buf[start, end)`; the bytes must hold exactly one value. */
export function decodeFieldValue(buf: Buffer, start = 0, end = buf.length): FieldValue {
  const r = new Reader(buf, start, end);
  const v = r.value(0);
  if (r.pos !== end) throw damaged(`${end - r.pos} trailing bytes`);
  return v;
}

/** Decodes a value that must be a table. */
export function decodeFieldTable(buf: Buffer): FieldTable {
  const v = decodeFieldValue(buf);
  if (v === null || typeof v !== 'object' || Array.isArray(v) || Buffer.isBuffer(v) || v instanceof Date) throw damaged('expected a table');
  return v as FieldTable;
}

/** A canonical string for a table (keys sorted), for identity comparisons such as binding arguments. */
export function canonicalKey(table: FieldTable | undefined): string {
  if (!table) return '';
  const keys = Object.keys(table).sort();
  if (keys.length === 0) return '';
  // No prototype: a '__proto__' key stays an ordinary key instead of replacing the prototype.
  const sorted: FieldTable = Object.create(null);
  for (const k of keys) sorted[k] = table[k];
  return encodeFieldValue(sorted).toString('latin1');
}
