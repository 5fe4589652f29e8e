/**
 * CRC-32C (Castagnoli), the checksum of Kafka record batches v2.
 *
 * Table-driven, slicing-by-16: sixteen 256-entry tables let the main loop fold sixteen bytes per
 * step, read as four aligned 32-bit words through an Int32Array view (fewer loads than sixteen
 * byte reads); the unaligned head and the tail go a byte at a time. Reflected polynomial
 * 0x82F63B78, initial value and final XOR 0xFFFFFFFF. The tables are Int32Array so that every value
 * stays a small integer for the JIT (Uint32Array entries above 2^31 would be boxed as doubles).
 */

const POLY = 0x82f63b78;
/** Word reads assume the host's byte order is little-endian; other hosts fold a byte at a time. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Below this many bytes the word loop does not pay for its view. */
const MIN_WORD_LOOP_BYTES = 64;

/** TABLES[k][b] is the CRC contribution of byte b followed by k zero bytes. */
const TABLES: Int32Array[] = buildTables();

function buildTables(): Int32Array[] {
  const tables = Array.from({ length: 16 }, () => new Int32Array(256));
  const t0 = tables[0];
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t0[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t0[n];
    for (let k = 1; k < 16; k++) {
      c = (c >>> 8) ^ t0[c & 0xff];
      tables[k][n] = c;
    }
  }
  return tables;
}

const [T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15] = TABLES;

/** CRC-32C of `buf[start, end)` (defaults: the whole buffer), as an unsigned 32-bit number. */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  let crc = -1;
  let i = start;
  if (LITTLE_ENDIAN && end - i >= MIN_WORD_LOOP_BYTES) {
    while (((buf.byteOffset + i) & 3) !== 0) crc = (crc >>> 8) ^ T0[(crc ^ buf[i++]) & 0xff];
    const words = ((end - i) >>> 4) << 2;
    const view = new Int32Array(buf.buffer, buf.byteOffset + i, words);
    for (let w = 0; w < words; w += 4) {
      const a = crc ^ view[w];
      const b = view[w + 1];
      const c = view[w + 2];
      const d = view[w + 3];
      crc =
        T15[a & 0xff] ^
        T14[(a >>> 8) & 0xff] ^
        T13[(a >>> 16) & 0xff] ^
        T12[a >>> 24] ^
        T11[b & 0xff] ^
        T10[(b >>> 8) & 0xff] ^
        T9[(b >>> 16) & 0xff] ^
        T8[b >>> 24] ^
        T7[c & 0xff] ^
        T6[(c >>> 8) & 0xff] ^
        T5[(c >>> 16) & 0xff] ^
        T4[c >>> 24] ^
        T3[d & 0xff] ^
        T2[(d >>> 8) & 0xff] ^
        T1[(d >>> 16) & 0xff] ^
        T0[d >>> 24];
    }
    i += words * 4;
  }
  while (i < end) crc = (crc >>> 8) ^ T0[(crc ^ buf[i++]) & 0xff];
  return (crc ^ -1) >>> 0;
}
