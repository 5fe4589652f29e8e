import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ConfirmTracker } from '../../src/amqp/confirm-tracker.js';

test('out-of-order outcomes are reported in order, contiguous ones collapsed with multiple', () => {
  const t = new ConfirmTracker();
  for (let i = 0; i < 6; i++) t.register();
  t.settle(2, 2, true);
  t.settle(3, 3, true);
  assert.deepEqual(t.takeRuns(), []);
  t.settle(1, 1, true);
  t.settle(4, 4, false);
  t.settle(6, 6, true);
  assert.deepEqual(t.takeRuns(), [
    { ack: true, deliveryTag: 3, multiple: true },
    { ack: false, deliveryTag: 4, multiple: false },
  ]);
  t.settle(5, 5, true);
  assert.deepEqual(t.takeRuns(), [{ ack: true, deliveryTag: 6, multiple: true }]);
});

test('every publish is confirmed exactly once whatever the settle order', () => {
  fc.assert(
    fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 50 }).chain((acks) => fc.tuple(fc.constant(acks), fc.shuffledSubarray(acks.map((_, i) => i + 1), { minLength: acks.length }))), ([acks, order]) => {
      const t = new ConfirmTracker();
      acks.forEach(() => t.register());
      const confirmed: boolean[] = [];
      let last = 0;
      for (const seq of order) {
        t.settle(seq, seq, acks[seq - 1]!);
        for (const run of t.takeRuns()) {
          const from = run.multiple ? last + 1 : run.deliveryTag;
          assert.equal(from, last + 1, 'runs are contiguous');
          for (let s = from; s <= run.deliveryTag; s++) confirmed[s - 1] = run.ack;
          last = run.deliveryTag;
        }
      }
      assert.deepEqual(confirmed, acks);
    }),
  );
});

test('runs of publishes settled together are confirmed exactly once, in order, whatever the settle order', () => {
  const ranges = fc
    .array(fc.record({ length: fc.integer({ min: 1, max: 5 }), ack: fc.boolean() }), { minLength: 1, maxLength: 20 })
    .chain((runs) => fc.tuple(fc.constant(runs), fc.shuffledSubarray(runs.map((_, i) => i), { minLength: runs.length })));
  fc.assert(
    fc.property(ranges, ([runs, order]) => {
      const t = new ConfirmTracker();
      const expected: boolean[] = [];
      const firsts: number[] = [];
      for (const run of runs) {
        firsts.push(expected.length + 1);
        for (let i = 0; i < run.length; i++) expected.push(run.ack), t.register();
      }
      const confirmed: boolean[] = [];
      let last = 0;
      for (const i of order) {
        t.settle(firsts[i]!, firsts[i]! + runs[i]!.length - 1, runs[i]!.ack);
        for (const report of t.takeRuns()) {
          assert.ok(report.deliveryTag > last, 'reports move forward');
          assert.equal(report.multiple, report.deliveryTag > last + 1);
          for (let s = last + 1; s <= report.deliveryTag; s++) confirmed[s - 1] = report.ack;
          last = report.deliveryTag;
        }
      }
      assert.deepEqual(confirmed, expected);
    }),
  );
});
