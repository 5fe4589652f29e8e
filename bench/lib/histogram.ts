/**
 * A fixed-size log-linear latency histogram over nanoseconds. Values below 2^SUB_BITS are counted exactly;
 * above, every power of two is split into 2^(SUB_BITS-1) equal buckets, so a reported percentile is within
 * 1/128 (0.8%) of the true value. Recording a sample touches one array slot and allocates nothing.
 */
const SUB_BITS = 8;
const LINEAR = 1 << SUB_BITS; // values 0..255 have a bucket each
const HALF = LINEAR >> 1; // buckets per power of two above that
const MAX_BITS = 42; // about 73 minutes in nanoseconds; larger samples land in the last bucket
const BUCKETS = LINEAR + (MAX_BITS - SUB_BITS) * HALF;
const MAX_VALUE = 2 ** MAX_BITS - 1;

/** Index of the highest set bit of a non-negative integer below 2^53. */
function highestBit(value: number): number {
  if (value < 2 ** 32) return 31 - Math.clz32(value);
  return 32 + 31 - Math.clz32(Math.floor(value / 2 ** 32));
}

/** Bucket index of a non-negative integer value. */
function bucketOf(value: number): number {
  if (value < LINEAR) return value;
  const bit = highestBit(value);
  const shift = bit - SUB_BITS + 1;
  const sub = Math.floor(value / 2 ** shift); // in [HALF, LINEAR)
  return LINEAR + (bit - SUB_BITS) * HALF + (sub - HALF);
}

/** Lowest and highest value that fall into a bucket. */
function bucketRange(index: number): [number, number] {
  if (index < LINEAR) return [index, index];
  const group = Math.floor((index - LINEAR) / HALF);
  const sub = HALF + ((index - LINEAR) % HALF);
  const shift = group + 1;
  return [sub * 2 ** shift, (sub + 1) * 2 ** shift - 1];
}

/** Latency histogram in nanoseconds; see the module comment for its precision. */
export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private low = Infinity;
  private high = -Infinity;
  private sum = 0;

  /** Records `count` samples of `nanos` (negative values count as 0, huge ones as the largest bucket). */
  record(nanos: number, count = 1): void {
    const value = nanos <= 0 ? 0 : Math.min(Math.round(nanos), MAX_VALUE);
    this.counts[bucketOf(value)] += count;
    this.total += count;
    this.sum += value * count;
    if (value < this.low) this.low = value;
    if (value > this.high) this.high = value;
  }

  /** Records a sample given in milliseconds (as `performance.now()` differences are). */
  recordMillis(millis: number, count = 1): void {
    this.record(millis * 1e6, count);
  }

  /** Number of samples recorded. */
  get count(): number {
    return this.total;
  }

  /** Smallest sample in nanoseconds (NaN when empty). */
  get min(): number {
    return this.total === 0 ? NaN : this.low;
  }

  /** Largest sample in nanoseconds (NaN when empty). */
  get max(): number {
    return this.total === 0 ? NaN : this.high;
  }

  /** Mean sample in nanoseconds (NaN when empty). */
  get mean(): number {
    return this.total === 0 ? NaN : this.sum / this.total;
  }

  /**
   * The value at quantile `q` (0..1) in nanoseconds: the midpoint of the bucket holding the sample of rank
   * ceil(q * count), clamped to the recorded min and max. NaN when empty.
   */
  quantile(q: number): number {
    if (this.total === 0) return NaN;
    const rank = Math.max(1, Math.ceil(Math.min(1, Math.max(0, q)) * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) {
        const [lo, hi] = bucketRange(i);
        return Math.min(this.high, Math.max(this.low, (lo + hi) / 2));
      }
    }
    return this.high;
  }

  /** p50, p99 and p99.9 in milliseconds, or nulls when no sample was recorded. */
  summaryMillis(): { p50: number | null; p99: number | null; p999: number | null } {
    if (this.total === 0) return { p50: null, p99: null, p999: null };
    return { p50: this.quantile(0.5) / 1e6, p99: this.quantile(0.99) / 1e6, p999: this.quantile(0.999) / 1e6 };
  }
}
