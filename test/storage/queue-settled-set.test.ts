import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SettledSet } from '../../src/storage/queue/settled-set.js';
import { decodeSettlement, encodeSettlement, type SettlementRecord } from '../../src/storage/queue/settlement-codec.js';
import { SettlementState } from '../../src/storage/queue/settlement-state.js';
import { StorageError } from '../../src/storage/types.js';

const UNIVERSE = 120;

type Op = { kind: 'range'; start: number; length: number } | { kind: 'truncate'; at: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('range' as const), start: fc.nat(UNIVERSE - 1), length: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(UNIVERSE) }) },
);

/** Checks every observable of `set` against the naive model `settled` over the universe. */
function assertAgrees(set: SettledSet, settled: boolean[]): void {
  for (let offset = 0; offset < UNIVERSE; offset++) assert.equal(set.has(offset), settled[offset], `has(${offset})`);
  for (let from = 0; from < UNIVERSE; from++) {
    let expected = from;
    while (expected < UNIVERSE && settled[expected]) expected++;
    const next = set.nextUnsettled(from);
    assert.equal(Math.min(next, UNIVERSE), expected, `nextUnsettled(${from})`);
  }
  let low = 0;
  while (low < UNIVERSE && settled[low]) low++;
  assert.equal(Math.min(set.lowWatermark, UNIVERSE), low);
  const total = settled.filter(Boolean).length;
  assert.equal(Math.min(set.lowWatermark, UNIVERSE) + set.settledAboveWatermark, total);
  const flat = set.ranges();
  for (let i = 0; i < flat.length; i += 2) {
    assert.ok(flat[i] > set.lowWatermark && flat[i] < flat[i + 1], 'ranges lie above the watermark, non-empty');
    if (i > 0) assert.ok(flat[i] > flat[i - 1], 'ranges are sorted and do not touch');
  }
}

describe('SettledSet', () => {
  it('agrees with a naive model under random settlements and truncations', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const set = new SettledSet();
        const settled = new Array<boolean>(UNIVERSE + 6).fill(false);
        for (const op of ops) {
          if (op.kind === 'range') {
            const end = Math.min(op.start + op.length, UNIVERSE);
            let fresh = 0;
            for (let o = op.start; o < end; o++) if (!settled[o]) (settled[o] = true), fresh++;
            assert.equal(set.addRange(op.start, end), fresh, 'addRange counts the newly settled offsets');
          } else {
            set.truncateFrom(op.at);
            for (let o = op.at; o < settled.length; o++) settled[o] = false;
          }
          assertAgrees(set, settled);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keeps no ranges when settled in order', () => {
    const set = new SettledSet();
    for (let offset = 0; offset < 100_000; offset++) set.addRange(offset, offset + 1);
    assert.equal(set.rangeCount, 0);
    assert.equal(set.lowWatermark, 100_000);
  });

  it('holds one range per gap when every other offset is settled, and collapses when the gaps fill', () => {
    const set = new SettledSet();
    for (let offset = 1; offset < 2000; offset += 2) set.addRange(offset, offset + 1);
    assert.equal(set.rangeCount, 1000);
    for (let offset = 0; offset < 2000; offset += 2) set.addRange(offset, offset + 1);
    assert.equal(set.rangeCount, 0);
    assert.equal(set.lowWatermark, 2000);
  });
});

const offsetArb = fc.nat({ max: Number.MAX_SAFE_INTEGER - 1000 });
const rangesArb = fc.array(fc.tuple(offsetArb, fc.integer({ min: 1, max: 1000 })), { maxLength: 8 }).map((pairs) => pairs.flatMap(([s, l]) => [s, s + l]));
const countsArb = fc.array(fc.tuple(offsetArb, fc.nat({ max: 0xffffffff })), { maxLength: 8 });
const recordArb: fc.Arbitrary<SettlementRecord> = fc.oneof(
  fc.record({
    kind: fc.constant('ranges' as const),
    reason: fc.constantFrom('ack' as const, 'expired' as const, 'dead-lettered' as const, 'dropped' as const, 'purged' as const),
    ranges: rangesArb,
  }),
  fc.record({ kind: fc.constant('delivery-counts' as const), counts: countsArb }),
  fc.record({ kind: fc.constant('snapshot' as const), lowWatermark: offsetArb, ranges: rangesArb, counts: countsArb }),
);

describe('settlement record codec', () => {
  it('round-trips every record kind', () => {
    fc.assert(
      fc.property(recordArb, (record) => {
        assert.deepEqual(decodeSettlement(encodeSettlement(record)), { ...record });
      }),
    );
  });

  it('rejects truncated or altered records only with LOG_DAMAGED', () => {
    fc.assert(
      fc.property(recordArb, fc.nat(), fc.nat(), (record, cut, flip) => {
        const bytes = encodeSettlement(record);
        const truncated = bytes.subarray(0, cut % bytes.length);
        assert.throws(() => decodeSettlement(truncated), (err: unknown) => err instanceof StorageError && err.code === 'LOG_DAMAGED');
        const altered = Buffer.from(bytes);
        altered[flip % altered.length] ^= 0xff;
        try {
          decodeSettlement(altered);
        } catch (err) {
          assert.ok(err instanceof StorageError && err.code === 'LOG_DAMAGED', String(err));
        }
      }),
    );
  });

  it('rejects a count larger than the bytes that remain before allocating', () => {
    const huge = Buffer.from([2, 0xff, 0xff, 0xff, 0xff]);
    assert.throws(() => decodeSettlement(huge), /needs/);
  });
});

describe('SettlementState', () => {
  const stateOpArb = fc.oneof(
    fc.record({ kind: fc.constant('settle' as const), start: fc.nat(80), length: fc.integer({ min: 1, max: 5 }) }),
    fc.record({ kind: fc.constant('return' as const), offset: fc.nat(85), count: fc.integer({ min: 1, max: 9 }) }),
  );

  it('is rebuilt exactly from its own snapshot', () => {
    fc.assert(
      fc.property(fc.array(stateOpArb, { maxLength: 40 }), (ops) => {
        const state = new SettlementState();
        for (const op of ops) {
          if (op.kind === 'settle') state.settleRange(op.start, op.start + op.length);
          else state.setDeliveryCount(op.offset, op.count);
        }
        for (const offset of state.deliveryCounts.keys()) assert.ok(!state.settled.has(offset), 'no count is kept for a settled message');
        const rebuilt = new SettlementState();
        rebuilt.apply(decodeSettlement(encodeSettlement(state.snapshot())));
        assert.deepEqual(rebuilt.snapshot(), state.snapshot());
      }),
    );
  });

  it('ignores a delivery count replayed after the message was settled', () => {
    const state = new SettlementState();
    state.apply({ kind: 'snapshot', lowWatermark: 5, ranges: [7, 9], counts: [[6, 2]] });
    state.apply({ kind: 'delivery-counts', counts: [[4, 1], [8, 1], [6, 3]] });
    assert.deepEqual([...state.deliveryCounts], [[6, 3]]);
  });
});
