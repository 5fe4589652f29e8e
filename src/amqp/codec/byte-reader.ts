import { AmqpProtocolError, ReplyCode } from './errors.js';

const TWO_POW_32 = 4294967296;

/**
 * A bounds-checked cursor over a buffer holding AMQP data. Every read checks the bytes left first
 * and throws AmqpProtocolError (501 FRAME_ERROR) when they are missing; strings and byte fields
 * are returned as views of the underlying buffer where the type allows.
 */
export class ByteReader {
  /** Position of the next byte to read. */
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  /** Bytes not yet read. */
  remaining(): number {
    return this.end - this.pos;
  }

  /** Throws unless at least `n` bytes remain. */
  need(n: number): void {
    if (n > this.end - this.pos || n < 0) {
      throw new AmqpProtocolError(ReplyCode.FRAME_ERROR, `truncated data: need ${n} bytes, ${this.end - this.pos} left`);
    }
  }

  octet(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  int8(): number {
    this.need(1);
    return this.buf.readInt8(this.pos++);
  }

  short(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  long(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Unsigned 64-bit integer as a number (exact up to 2^53). */
  longlong(): number {
    this.need(8);
    const hi = this.buf.readUInt32BE(this.pos);
    const lo = this.buf.readUInt32BE(this.pos + 4);
    this.pos += 8;
    return hi * TWO_POW_32 + lo;
  }

  /** Signed 64-bit integer: a number when exactly representable, else a bigint. */
  int64(): number | bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  float(): number {
    this.need(4);
    const v = this.buf.readFloatBE(this.pos);
    this.pos += 4;
    return v;
  }

  double(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Short string: one length octet then UTF-8 bytes. */
  shortstr(): string {
    const len = this.octet();
    this.need(len);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  /** Long string: a 32-bit length then raw bytes, returned as a view (no copy). */
  longstr(): Buffer {
    const len = this.long();
    return this.bytes(len);
  }

  /** The next `n` bytes as a view (no copy). */
  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}
