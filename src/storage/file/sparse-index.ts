/**
 * Sparse indexes of a segment, kept in memory and saved as flat files.
 *
 * - Offset index (`.index`): relative offset u32 -> file position u32, big-endian, 8 bytes an entry.
 * - Time index (`.timeindex`): largest timestamp so far i64 -> relative offset u32, 12 bytes an entry;
 *   the timestamp is the largest of every batch before the one at that offset, so a search for
 *   timestamp t can start at the last entry whose timestamp is below t.
 * Both have strictly increasing keys and non-decreasing values, at most one entry per
 * `indexIntervalBytes` of log; a lookup finds the last entry at or below a key and the caller scans
 * forward from it.
 */

const INITIAL_CAPACITY = 16;

/** Layout of one index file kind. */
export interface IndexFormat {
  entryBytes: number;
  write(buf: Buffer, pos: number, key: number, value: number): void;
  readKey(buf: Buffer, pos: number): number;
  readValue(buf: Buffer, pos: number): number;
}

/** `.index`: relative offset u32 -> position u32. */
export const OFFSET_INDEX_FORMAT: IndexFormat = {
  entryBytes: 8,
  write: (buf, pos, key, value) => {
    buf.writeUInt32BE(key, pos);
    buf.writeUInt32BE(value, pos + 4);
  },
  readKey: (buf, pos) => buf.readUInt32BE(pos),
  readValue: (buf, pos) => buf.readUInt32BE(pos + 4),
};

/** `.timeindex`: timestamp i64 -> relative offset u32. */
export const TIME_INDEX_FORMAT: IndexFormat = {
  entryBytes: 12,
  write: (buf, pos, key, value) => {
    buf.writeBigInt64BE(BigInt(key), pos);
    buf.writeUInt32BE(value, pos + 8);
  },
  readKey: (buf, pos) => Number(buf.readBigInt64BE(pos)),
  readValue: (buf, pos) => buf.readUInt32BE(pos + 8),
};

/** An append-only sorted map from numeric keys to numeric values with floor lookups. */
export class SparseIndex {
  private keys: Float64Array = new Float64Array(INITIAL_CAPACITY);
  private values: Float64Array = new Float64Array(INITIAL_CAPACITY);
  /** Number of entries. */
  length = 0;

  /** Adds an entry; the key must be greater than the last key. */
  add(key: number, value: number): void {
    if (this.length === this.keys.length) {
      this.keys = grow(this.keys);
      this.values = grow(this.values);
    }
    this.keys[this.length] = key;
    this.values[this.length] = value;
    this.length++;
  }

  /** Index of the last entry whose key is <= `key`, or -1. */
  floor(key: number): number {
    let lo = 0;
    let hi = this.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid] <= key) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  keyAt(i: number): number {
    return this.keys[i];
  }

  valueAt(i: number): number {
    return this.values[i];
  }

  /** The file form of the index. */
  serialize(format: IndexFormat): Buffer {
    const buf = Buffer.alloc(this.length * format.entryBytes);
    for (let i = 0; i < this.length; i++) format.write(buf, i * format.entryBytes, this.keys[i], this.values[i]);
    return buf;
  }

  /** Parses an index file; undefined if its size or ordering is inconsistent (the caller rebuilds it). */
  static parse(buf: Buffer, format: IndexFormat): SparseIndex | undefined {
    if (buf.length % format.entryBytes !== 0) return undefined;
    const index = new SparseIndex();
    for (let pos = 0; pos < buf.length; pos += format.entryBytes) {
      const key = format.readKey(buf, pos);
      const value = format.readValue(buf, pos);
      const last = index.length - 1;
      if (last >= 0 && (key <= index.keys[last] || value < index.values[last])) return undefined;
      index.add(key, value);
    }
    return index;
  }
}

function grow(array: Float64Array): Float64Array {
  const bigger = new Float64Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
