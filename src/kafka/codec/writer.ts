import { KafkaProtocolError } from './protocol-error.js';

/**
 * Writes Kafka wire primitives into a buffer allocated once at its final size. Callers compute the
 * size first with the `sizeOf*` helpers, then write; `finish` checks the two agree.
 *
 * Byte strings of at least `spliceFrom` bytes (e.g. record batches in a Fetch answer) are not
 * copied: their place in the buffer is skipped and `finishChunks` returns the output as a list of
 * buffers that references them where they are.
 */
export class KafkaWriter {
  private pos = 0;
  private readonly buf: Buffer;
  private readonly splices: { at: number; data: Buffer }[] = [];

  constructor(
    size: number,
    private readonly spliceFrom = Number.POSITIVE_INFINITY,
  ) {
    this.buf = Buffer.allocUnsafe(size);
  }

  int8(v: number): void {
    this.pos = this.buf.writeInt8(v, this.pos);
  }

  int16(v: number): void {
    this.pos = this.buf.writeInt16BE(v, this.pos);
  }

  int32(v: number): void {
    this.pos = this.buf.writeInt32BE(v, this.pos);
  }

  int64(v: bigint): void {
    this.pos = this.buf.writeBigInt64BE(v, this.pos);
  }

  bool(v: boolean): void {
    this.pos = this.buf.writeUInt8(v ? 1 : 0, this.pos);
  }

  /** A UUID given as 32 hex digits. */
  uuid(v: string): void {
    if (!/^[0-9a-fA-F]{32}$/.test(v)) throw new KafkaProtocolError(`invalid uuid ${v}`);
    this.pos += this.buf.write(v, this.pos, 16, 'hex');
  }

  uvarint(v: number): void {
    let n = v >>> 0;
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.pos++] = n;
  }

  varint(v: number): void {
    this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  varlong(v: bigint): void {
    let n = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    while (n >= 0x80n) {
      this.buf[this.pos++] = Number(n & 0x7fn) | 0x80;
      n >>= 7n;
    }
    this.buf[this.pos++] = Number(n);
  }

  private length(n: number, compact: boolean, wide: boolean): void {
    if (compact) this.uvarint(n + 1);
    else if (wide) this.int32(n);
    else this.int16(n);
  }

  nullableString(v: string | null, compact: boolean): void {
    if (v === null) return this.length(-1, compact, false);
    const n = Buffer.byteLength(v, 'utf8');
    this.length(n, compact, false);
    this.pos += this.buf.write(v, this.pos, n, 'utf8');
  }

  nullableBytes(v: Buffer | null, compact: boolean): void {
    if (v === null) return this.length(-1, compact, true);
    this.length(v.length, compact, true);
    if (v.length >= this.spliceFrom) {
      this.splices.push({ at: this.pos, data: v });
      this.pos += v.length;
    } else this.pos += v.copy(this.buf, this.pos);
  }

  /** An array (count prefix, then each item through `writeItem`), or null. */
  array<T>(items: readonly T[] | null, compact: boolean, writeItem: (item: T) => void): void {
    this.length(items === null ? -1 : items.length, compact, true);
    if (items !== null) for (const item of items) writeItem(item);
  }

  private checkComplete(): void {
    if (this.pos !== this.buf.length) {
      throw new KafkaProtocolError(`encoder wrote ${this.pos} bytes into a ${this.buf.length}-byte buffer`);
    }
  }

  /** The written buffer; throws if the precomputed size was wrong or bytes were spliced. */
  finish(): Buffer {
    this.checkComplete();
    if (this.splices.length > 0) throw new KafkaProtocolError('spliced output must be taken with finishChunks');
    return this.buf;
  }

  /** The output as consecutive buffers: written parts and spliced byte strings, in order. */
  finishChunks(): Buffer[] {
    this.checkComplete();
    const chunks: Buffer[] = [];
    let from = 0;
    for (const { at, data } of this.splices) {
      if (at > from) chunks.push(this.buf.subarray(from, at));
      chunks.push(data);
      from = at + data.length;
    }
    if (from < this.buf.length) chunks.push(this.buf.subarray(from));
    return chunks;
  }
}

/** Bytes taken by an unsigned varint. */
export function sizeOfUvarint(v: number): number {
  let n = v >>> 0;
  let size = 1;
  while (n >= 0x80) {
    n >>>= 7;
    size++;
  }
  return size;
}

/** Bytes taken by a zig-zag varint. */
export function sizeOfVarint(v: number): number {
  return sizeOfUvarint(((v << 1) ^ (v >> 31)) >>> 0);
}

/** Bytes taken by a zig-zag varlong. */
export function sizeOfVarlong(v: bigint): number {
  let n = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
  let size = 1;
  while (n >= 0x80n) {
    n >>= 7n;
    size++;
  }
  return size;
}

function sizeOfLength(n: number, compact: boolean, wide: boolean): number {
  if (compact) return sizeOfUvarint(n + 1);
  return wide ? 4 : 2;
}

/** Bytes taken by a (nullable) string with its prefix. */
export function sizeOfString(v: string | null, compact: boolean): number {
  if (v === null) return sizeOfLength(-1, compact, false);
  const n = Buffer.byteLength(v, 'utf8');
  return sizeOfLength(n, compact, false) + n;
}

/** Bytes taken by (nullable) bytes with their prefix. */
export function sizeOfBytes(v: Buffer | null, compact: boolean): number {
  if (v === null) return sizeOfLength(-1, compact, true);
  return sizeOfLength(v.length, compact, true) + v.length;
}

/** Bytes taken by a (nullable) array: its count prefix plus each item's size. */
export function sizeOfArray<T>(items: readonly T[] | null, compact: boolean, sizeOfItem: (item: T) => number): number {
  if (items === null) return sizeOfLength(-1, compact, true);
  let size = sizeOfLength(items.length, compact, true);
  for (const item of items) size += sizeOfItem(item);
  return size;
}
