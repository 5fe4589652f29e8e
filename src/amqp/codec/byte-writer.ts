const TWO_POW_32 = 4294967296;
const INITIAL_SIZE = 16 * 1024;
/** `take()` goes on writing into the same buffer while at least this much room is left in it... */
const MIN_ROOM = 2 * 1024;
/** ...and while it is no larger than this (a buffer grown by a burst is let go after it). */
const MAX_KEPT = 64 * 1024;

/** The smallest power of two, at least INITIAL_SIZE, that holds `n` bytes. */
function capacityFor(n: number): number {
  let size = INITIAL_SIZE;
  while (size < n) size *= 2;
  return size;
}

/**
 * A growable output buffer with the AMQP primitive encodings. `take()` hands out what was written
 * since the last take; later writes go past it, into a new buffer once this one is nearly full, so
 * handed-out bytes are never overwritten and a small take never costs a large allocation.
 */
export class ByteWriter {
  buf: Buffer;
  pos = 0;
  /** Where the bytes not yet taken begin. */
  private start = 0;

  constructor(initialSize = INITIAL_SIZE) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written and not yet taken. */
  get pending(): number {
    return this.pos - this.start;
  }

  /**
   * Makes room for `n` more bytes in the middle of an encoding: positions already handed out (`pos`,
   * `reserve`) stay valid, so the untaken bytes keep their offsets in the larger buffer.
   */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(capacityFor(this.pos + n));
    this.buf.copy(next, this.start, this.start, this.pos);
    this.buf = next;
  }

  /**
   * Makes room for `n` more bytes where no position is held (between frames): the untaken bytes move
   * to the front of a new buffer when this one is too full.
   */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const pending = this.pending;
    const next = Buffer.allocUnsafe(capacityFor(2 * (pending + n)));
    this.buf.copy(next, 0, this.start, this.pos);
    this.buf = next;
    this.start = 0;
    this.pos = pending;
  }

  /** Returns the bytes written since the last take. */
  take(): Buffer {
    const out = this.buf.subarray(this.start, this.pos);
    if (this.buf.length <= MAX_KEPT && this.buf.length - this.pos >= MIN_ROOM) {
      this.start = this.pos;
    } else {
      this.buf = Buffer.allocUnsafe(INITIAL_SIZE);
      this.start = this.pos = 0;
    }
    return out;
  }

  octet(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  int8(v: number): void {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos++);
  }

  short(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v & 0xffff, this.pos);
    this.pos += 2;
  }

  int16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
  }

  long(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }

  int32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
  }

  /** Unsigned 64-bit integer from a non-negative number. */
  longlong(v: number): void {
    this.ensure(8);
    this.buf.writeUInt32BE(Math.floor(v / TWO_POW_32) >>> 0, this.pos);
    this.buf.writeUInt32BE(v % TWO_POW_32 >>> 0, this.pos + 4);
    this.pos += 8;
  }

  /** Signed 64-bit integer. */
  int64(v: number | bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64BE(BigInt(v), this.pos);
    this.pos += 8;
  }

  float(v: number): void {
    this.ensure(4);
    this.buf.writeFloatBE(v, this.pos);
    this.pos += 4;
  }

  double(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  /** Short string; throws RangeError if longer than 255 UTF-8 bytes (a caller bug, not wire input). */
  shortstr(s: string): void {
    // A UTF-16 code unit takes at most 3 UTF-8 bytes: reserve the worst case and write in place.
    this.ensure(1 + 3 * s.length);
    const buf = this.buf;
    const at = this.pos;
    let len = 0;
    while (len < s.length && len < 32) {
      const c = s.charCodeAt(len);
      if (c >= 0x80) break;
      buf[at + 1 + len++] = c;
    }
    if (len < s.length) len = buf.write(s, at + 1, 'utf8');
    if (len > 255) throw new RangeError(`short string too long (${len} bytes)`);
    buf[at] = len;
    this.pos = at + 1 + len;
  }

  /** Long string from bytes. */
  longstr(b: Buffer): void {
    this.long(b.length);
    this.bytes(b);
  }

  /** Raw bytes. */
  bytes(b: Buffer): void {
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  /** Reserves `n` bytes to be filled in later (e.g. a length); returns their position. */
  reserve(n: number): number {
    this.ensure(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }
}
