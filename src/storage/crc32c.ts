/**
 * CRC-32C (Castagnoli), the checksum of Kafka record batches v2.
 *
 * Table-driven, slicing-by-8: eight 256-entry tables let the main loop fold eight bytes per step.
 * Reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF. The tables are
 * Int32Array so that every value stays a small integer for the JIT (Uint32Array entries above
 * 2^31 would be boxed as doubles).
 */

const POLY = 0x82f63b78;

/** TABLES[k][b] is the CRC contribution of byte b followed by k zero bytes. */
const TABLES: Int32Array[] = buildTables();

function buildTables(): Int32Array[] {
  const tables = Array.from({ length: 8 }, () => new Int32Array(256));
  const t0 = tables[0];
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t0[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t0[n];
    for (let k = 1; k < 8; k++) {
      c = (c >>> 8) ^ t0[c & 0xff];
      tables[k][n] = c;
    }
  }
  return tables;
}

const [T0, T1, T2, T3, T4, T5, T6, T7] = TABLES;

/** CRC-32C of `buf[start, end)` (defaults: the whole buffer), as an unsigned 32-bit number. */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  let crc = -1;
  let i = start;
  const end8 = end - ((end - start) & 7);
  while (i < end8) {
    const lo = crc ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24));
    crc =
      T7[lo & 0xff] ^
      T6[(lo >>> 8) & 0xff] ^
      T5[(lo >>> 16) & 0xff] ^
      T4[lo >>> 24] ^
      T3[buf[i + 4]] ^
      T2[buf[i + 5]] ^
      T1[buf[i + 6]] ^
      T0[buf[i + 7]];
    i += 8;
  }
  while (i < end) crc = (crc >>> 8) ^ T0[(crc ^ buf[i++]) & 0xff];
  return (crc ^ -1) >>> 0;
}
