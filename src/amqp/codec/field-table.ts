import type { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';
import { AmqpProtocolError, ReplyCode } from './errors.js';
import { FieldDecimal, FieldTypedNumber, type FieldTable, type FieldValue } from '../../core/queues/field-values.js';

/*
 * Field tables with every value type RabbitMQ uses (its errata table: t b B s u I i l f d D S A T F V x).
 * Decoding keeps the wire type: values whose natural encoding differs from what was received
 * ('b', 'B', 's', 'u', 'i', 'f', an 'l' within int32, a 'd' holding an integer) decode to
 * FieldTypedNumber, so a decoded table re-encodes to the same bytes. Natural encodings: boolean 't',
 * int32 'I', other integers 'l', other numbers 'd', string 'S', Buffer 'x', Date 'T', null 'V'.
 */

export type { FieldTable, FieldValue } from '../../core/queues/field-values.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** True for numbers that encode as an integer type ('I' or 'l') by default. */
function isNaturalInteger(v: number): boolean {
  return Number.isSafeInteger(v) && !Object.is(v, -0);
}

/** Nesting deeper than this is refused rather than risking the stack. */
const MAX_DEPTH = 100;

/** Reads a field table (32-bit byte length, then name/value pairs). */
export function readTable(r: ByteReader, depth = 0): FieldTable {
  if (depth > MAX_DEPTH) throw new AmqpProtocolError(ReplyCode.FRAME_ERROR, 'field table nested too deeply');
  const len = r.long();
  r.need(len);
  const end = r.pos + len;
  const table: FieldTable = {};
  while (r.pos < end) {
    const key = r.shortstr();
    const value = readValue(r, depth);
    if (key === '__proto__') Object.defineProperty(table, key, { value, enumerable: true, writable: true, configurable: true });
    else table[key] = value;
  }
  if (r.pos !== end) throw new AmqpProtocolError(ReplyCode.FRAME_ERROR, 'field table overruns its declared length');
  return table;
}

function readArray(r: ByteReader, depth: number): FieldValue[] {
  if (depth > MAX_DEPTH) throw new AmqpProtocolError(ReplyCode.FRAME_ERROR, 'field array nested too deeply');
  const len = r.long();
  r.need(len);
  const end = r.pos + len;
  const out: FieldValue[] = [];
  while (r.pos < end) out.push(readValue(r, depth));
  if (r.pos !== end) throw new AmqpProtocolError(ReplyCode.FRAME_ERROR, 'field array overruns its declared length');
  return out;
}

function readValue(r: ByteReader, depth: number): FieldValue {
  const tag = r.octet();
  switch (tag) {
    case 0x74 /* t */:
      return r.octet() !== 0;
    case 0x62 /* b */:
      return new FieldTypedNumber('b', r.int8());
    case 0x42 /* B */:
      return new FieldTypedNumber('B', r.octet());
    case 0x73 /* s */:
      return new FieldTypedNumber('s', r.int16());
    case 0x75 /* u */:
      return new FieldTypedNumber('u', r.short());
    case 0x49 /* I */:
      return r.int32();
    case 0x69 /* i */:
      return new FieldTypedNumber('i', r.long());
    case 0x6c /* l */: {
      const v = r.int64();
      return typeof v === 'number' && v >= INT32_MIN && v <= INT32_MAX ? new FieldTypedNumber('l', v) : v;
    }
    case 0x66 /* f */:
      return new FieldTypedNumber('f', r.float());
    case 0x64 /* d */: {
      const v = r.double();
      return isNaturalInteger(v) ? new FieldTypedNumber('d', v) : v;
    }
    case 0x44 /* D */: {
      const scale = r.octet();
      return new FieldDecimal(scale, r.long());
    }
    case 0x53 /* S */: {
      const b = r.longstr();
      return b.toString('utf8');
    }
    case 0x41 /* A */:
      return readArray(r, depth + 1);
    case 0x54 /* T */:
      return new Date(r.longlong() * 1000);
    case 0x46 /* F */:
      return readTable(r, depth + 1);
    case 0x56 /* V */:
      return null;
    case 0x78 /* x */:
      return Buffer.from(r.longstr());
    default:
      throw new AmqpProtocolError(ReplyCode.FRAME_ERROR, `unknown field table value type 0x${tag.toString(16)}`);
  }
}

/** Writes a field table; throws TypeError for values that have no AMQP encoding (a caller bug). */
export function writeTable(w: ByteWriter, table: FieldTable): void {
  const at = w.reserve(4);
  for (const key of Object.keys(table)) {
    const value = table[key];
    if (value === undefined) continue;
    w.shortstr(key);
    writeValue(w, value);
  }
  w.buf.writeUInt32BE(w.pos - at - 4, at);
}

function writeArray(w: ByteWriter, values: FieldValue[]): void {
  const at = w.reserve(4);
  for (const value of values) writeValue(w, value);
  w.buf.writeUInt32BE(w.pos - at - 4, at);
}

function writeValue(w: ByteWriter, value: FieldValue): void {
  if (value === null) return w.octet(0x56);
  switch (typeof value) {
    case 'boolean':
      w.octet(0x74);
      return w.octet(value ? 1 : 0);
    case 'number':
      if (isNaturalInteger(value)) {
        if (value >= INT32_MIN && value <= INT32_MAX) {
          w.octet(0x49);
          return w.int32(value);
        }
        w.octet(0x6c);
        return w.int64(value);
      }
      w.octet(0x64);
      return w.double(value);
    case 'bigint':
      w.octet(0x6c);
      return w.int64(value);
    case 'string': {
      w.octet(0x53);
      const at = w.reserve(4);
      w.ensure(Buffer.byteLength(value));
      w.pos += w.buf.write(value, w.pos, 'utf8');
      w.buf.writeUInt32BE(w.pos - at - 4, at);
      return;
    }
    case 'object':
      return writeObject(w, value);
    default:
      throw new TypeError(`cannot encode ${typeof value} in a field table`);
  }
}

function writeObject(w: ByteWriter, value: Exclude<FieldValue, null | boolean | number | bigint | string>): void {
  if (Buffer.isBuffer(value)) {
    w.octet(0x78);
    return w.longstr(value);
  }
  if (Array.isArray(value)) {
    w.octet(0x41);
    return writeArray(w, value);
  }
  if (value instanceof Date) {
    w.octet(0x54);
    return w.longlong(Math.floor(value.getTime() / 1000));
  }
  if (value instanceof FieldDecimal) {
    w.octet(0x44);
    w.octet(value.scale);
    return w.long(value.value);
  }
  if (value instanceof FieldTypedNumber) return writeTyped(w, value);
  w.octet(0x46);
  writeTable(w, value);
}

function writeTyped(w: ByteWriter, { type, value }: FieldTypedNumber): void {
  w.octet(type.charCodeAt(0));
  if (type === 'l') return w.int64(value);
  const n = Number(value);
  switch (type) {
    case 'b':
      return w.int8(n);
    case 'B':
      return w.octet(n);
    case 's':
      return w.int16(n);
    case 'u':
      return w.short(n);
    case 'I':
      return w.int32(n);
    case 'i':
      return w.long(n);
    case 'f':
      return w.float(n);
    case 'd':
      return w.double(n);
  }
}
