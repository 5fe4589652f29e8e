import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Histogram } from '../../bench/lib/histogram.js';

/** Relative distance of `actual` from `expected`. */
const off = (actual: number, expected: number) => Math.abs(actual - expected) / expected;

describe('latency histogram', () => {
  it('reports NaN percentiles and null summaries when empty', () => {
    const histogram = new Histogram();
    assert.equal(histogram.count, 0);
    assert.ok(Number.isNaN(histogram.quantile(0.5)));
    assert.deepEqual(histogram.summaryMillis(), { p50: null, p99: null, p999: null });
  });

  it('is exact for small values, which have a bucket each', () => {
    const histogram = new Histogram();
    for (let v = 1; v <= 200; v++) histogram.record(v);
    assert.equal(histogram.quantile(0.5), 100);
    assert.equal(histogram.quantile(0.99), 198);
    assert.equal(histogram.quantile(1), 200);
    assert.equal(histogram.quantile(0), 1);
  });

  it('finds p50, p99 and p99.9 of a uniform spread within 1%', () => {
    const histogram = new Histogram();
    for (let us = 1; us <= 100_000; us++) histogram.record(us * 1000); // 1 µs .. 100 ms
    assert.equal(histogram.count, 100_000);
    assert.ok(off(histogram.quantile(0.5), 50_000_000) < 0.01, `p50 ${histogram.quantile(0.5)}`);
    assert.ok(off(histogram.quantile(0.99), 99_000_000) < 0.01, `p99 ${histogram.quantile(0.99)}`);
    assert.ok(off(histogram.quantile(0.999), 99_900_000) < 0.01, `p99.9 ${histogram.quantile(0.999)}`);
    const summary = histogram.summaryMillis();
    assert.ok(off(summary.p50!, 50) < 0.01 && off(summary.p99!, 99) < 0.01 && off(summary.p999!, 99.9) < 0.01);
  });

  it('sees a rare slow tail at p99.9 but not at p99', () => {
    const histogram = new Histogram();
    histogram.recordMillis(1, 9_950);
    histogram.recordMillis(500, 50);
    assert.ok(off(histogram.quantile(0.99), 1e6) < 0.01);
    assert.ok(off(histogram.quantile(0.999), 500e6) < 0.01);
    assert.equal(histogram.max, 500e6);
  });

  it('weights samples recorded with a count like as many single samples', () => {
    const weighted = new Histogram();
    const single = new Histogram();
    weighted.record(3_000, 7);
    weighted.record(90_000, 3);
    for (let i = 0; i < 7; i++) single.record(3_000);
    for (let i = 0; i < 3; i++) single.record(90_000);
    for (const q of [0.1, 0.5, 0.7, 0.71, 0.99]) assert.equal(weighted.quantile(q), single.quantile(q));
    assert.equal(weighted.mean, single.mean);
  });

  it('clamps negative samples to zero and keeps huge ones in range', () => {
    const histogram = new Histogram();
    histogram.record(-5);
    histogram.record(1e18);
    assert.equal(histogram.min, 0);
    assert.ok(histogram.quantile(1) > 4e12, 'a huge sample lands in the last bucket, not at zero');
    assert.ok(Number.isFinite(histogram.quantile(1)));
  });
});
