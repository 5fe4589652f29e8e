import { KafkaProtocolError } from './protocol-error.js';

/**
 * Reads Kafka wire primitives from a buffer window. Every read checks the bytes left first and
 * throws KafkaProtocolError on a short or malformed input; nothing is allocated before that check.
 * Compact (flexible-version) encodings are chosen with the `compact` flag.
 */
export class KafkaReader {
  private pos: number;

  constructor(
    private readonly buf: Buffer,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  /** Bytes not yet read. */
  get remaining(): number {
    return this.end - this.pos;
  }

  private take(n: number): number {
    if (n < 0 || n > this.end - this.pos) {
      throw new KafkaProtocolError(`needed ${n} bytes at offset ${this.pos}, ${this.end - this.pos} left`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.take(1));
  }

  int16(): number {
    return this.buf.readInt16BE(this.take(2));
  }

  int32(): number {
    return this.buf.readInt32BE(this.take(4));
  }

  int64(): bigint {
    return this.buf.readBigInt64BE(this.take(8));
  }

  bool(): boolean {
    return this.buf.readUInt8(this.take(1)) !== 0;
  }

  /** A 16-byte UUID as 32 lowercase hex digits. */
  uuid(): string {
    const at = this.take(16);
    return this.buf.toString('hex', at, at + 16);
  }

  /** Unsigned LEB128 varint of at most 32 bits. */
  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.buf.readUInt8(this.take(1));
      if (shift === 28 && byte > 0x0f) throw new KafkaProtocolError('unsigned varint exceeds 32 bits');
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new KafkaProtocolError('unsigned varint longer than 5 bytes');
  }

  /** Zig-zag signed varint (32-bit). */
  varint(): number {
    const raw = this.uvarint();
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }

  /** Zig-zag signed varlong (64-bit). */
  varlong(): bigint {
    let raw = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.buf.readUInt8(this.take(1));
      if (shift === 63n && byte > 1) throw new KafkaProtocolError('varlong exceeds 64 bits');
      raw |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return (raw >> 1n) ^ -(raw & 1n);
    }
    throw new KafkaProtocolError('varlong longer than 10 bytes');
  }

  /** A length prefix: int16/int32 classic, or uvarint(n + 1) compact; -1 stands for null. */
  private length(compact: boolean, wide: boolean): number {
    if (compact) return this.uvarint() - 1;
    const n = wide ? this.int32() : this.int16();
    if (n < -1) throw new KafkaProtocolError(`negative length ${n}`);
    return n;
  }

  nullableString(compact: boolean): string | null {
    const n = this.length(compact, false);
    if (n < 0) return null;
    const at = this.take(n);
    return this.buf.toString('utf8', at, at + n);
  }

  string(compact: boolean): string {
    const s = this.nullableString(compact);
    if (s === null) throw new KafkaProtocolError('null in a non-nullable string');
    return s;
  }

  /** Bytes as a slice of the input (no copy). */
  nullableBytes(compact: boolean): Buffer | null {
    const n = this.length(compact, true);
    if (n < 0) return null;
    const at = this.take(n);
    return this.buf.subarray(at, at + n);
  }

  bytes(compact: boolean): Buffer {
    const b = this.nullableBytes(compact);
    if (b === null) throw new KafkaProtocolError('null in non-nullable bytes');
    return b;
  }

  /** An array whose items each take at least `minItemBytes`; the count is checked before allocating. */
  nullableArray<T>(compact: boolean, minItemBytes: number, readItem: () => T): T[] | null {
    const n = this.length(compact, true);
    if (n < 0) return null;
    if (n * minItemBytes > this.remaining) {
      throw new KafkaProtocolError(`array of ${n} items cannot fit in ${this.remaining} bytes`);
    }
    const items = new Array<T>(n);
    for (let i = 0; i < n; i++) items[i] = readItem();
    return items;
  }

  array<T>(compact: boolean, minItemBytes: number, readItem: () => T): T[] {
    const a = this.nullableArray(compact, minItemBytes, readItem);
    if (a === null) throw new KafkaProtocolError('null in a non-nullable array');
    return a;
  }

  /**
   * The tagged-field section of a flexible struct. `readKnown(tag, reader)` decodes a tag it knows
   * from a reader bounded to that field's bytes and returns true; unknown tags are skipped.
   */
  taggedFields(readKnown: (tag: number, field: KafkaReader) => boolean): void {
    const count = this.uvarint();
    if (count > this.remaining / 2) throw new KafkaProtocolError(`${count} tagged fields cannot fit`);
    let previous = -1;
    for (let i = 0; i < count; i++) {
      const tag = this.uvarint();
      if (tag <= previous) throw new KafkaProtocolError('tagged fields out of order');
      previous = tag;
      const size = this.uvarint();
      const at = this.take(size);
      const field = new KafkaReader(this.buf, at, at + size);
      if (readKnown(tag, field) && field.remaining !== 0) {
        throw new KafkaProtocolError(`tagged field ${tag} has ${field.remaining} trailing bytes`);
      }
    }
  }

  /** Throws unless every byte of the window was consumed. */
  expectEnd(): void {
    if (this.pos !== this.end) throw new KafkaProtocolError(`${this.end - this.pos} unexpected trailing bytes`);
  }
}
