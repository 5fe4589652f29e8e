/**
 * Zig-zag varints of the record-batch format (protocol-buffers style), for any safe integer.
 * Arithmetic instead of bit operations keeps 64-bit varlongs exact up to 2^53.
 */
import { StorageError } from './types.js';

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
 * Throws StorageError('CORRUPT_BATCH') if it runs past `end`, is too long, or exceeds 2^53.
 */
export function readVarint(buf: Buffer, pos: number, end: number): [number, number] {
  let z = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (pos >= end) throw new StorageError('CORRUPT_BATCH', 'varint truncated');
    const b = buf[pos++];
    z += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      if (!Number.isSafeInteger(z)) throw new StorageError('CORRUPT_BATCH', 'varint exceeds 2^53');
      return [z % 2 === 0 ? z / 2 : -(z + 1) / 2, pos];
    }
    scale *= 128;
  }
  throw new StorageError('CORRUPT_BATCH', 'varint longer than 10 bytes');
}
