import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryLogStore } from '../../src/storage/memory-store.js';
import { QueueLog, type QueueLogOptions, type SettleReason } from '../../src/storage/queue-log.js';
import { makeBatch } from './log-contract.js';

type Op =
  | { kind: 'publish'; count: number }
  | { kind: 'settle'; picks: number[]; reason: SettleReason; durable: boolean }
  | { kind: 'return'; pick: number }
  | { kind: 'purge' }
  | { kind: 'reopen' };

const reasonArb = fc.constantFrom<SettleReason>('ack', 'expired', 'dead-lettered', 'dropped', 'purged');
const pickArb = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('publish' as const), count: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('settle' as const), picks: fc.array(pickArb, { maxLength: 5 }), reason: reasonArb, durable: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('return' as const), pick: pickArb }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'purge' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
);

/** Tiny settlement segments and snapshot threshold, so replays cross snapshots and deleted segments. */
const OPTIONS: Partial<QueueLogOptions> = { settlementSegmentBytes: 300, compactAfterBytes: 200, reclaimIntervalMs: 0 };

/** Checks every observable of the queue against the model. */
function assertAgrees(queue: QueueLog, settled: boolean[], counts: Map<number, number>): void {
  const end = settled.length;
  assert.equal(queue.log.highWatermark, end);
  assert.equal(queue.unsettledCount, settled.filter((s) => !s).length, 'unsettledCount');
  for (let offset = 0; offset < end; offset++) {
    assert.equal(queue.isSettled(offset), settled[offset], `isSettled(${offset})`);
    assert.equal(queue.deliveryCount(offset), counts.get(offset) ?? 0, `deliveryCount(${offset})`);
  }
  for (let from = 0; from <= end; from++) {
    let expected: number | undefined = from;
    while (expected < end && settled[expected]) expected++;
    assert.equal(queue.nextUnsettled(from), expected < end ? expected : undefined, `nextUnsettled(${from})`);
  }
}

describe('QueueLog against a naive model', () => {
  it('agrees on settled offsets, next unsettled, counts and delivery counts, across reopens', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 40 }), async (ops) => {
        const store = new MemoryLogStore({ segmentBytes: 400 });
        let queue = await QueueLog.open(store, 'model', {}, OPTIONS);
        const settled: boolean[] = [];
        const counts = new Map<number, number>();
        try {
          for (const op of ops) {
            const end = settled.length;
            if (op.kind === 'publish') {
              await queue.publish(makeBatch('p', op.count));
              for (let i = 0; i < op.count; i++) settled.push(false);
            } else if (op.kind === 'settle' && end > 0) {
              const offsets = op.picks.map((p) => Math.floor(p * end));
              if (op.durable) await queue.settleAsync(offsets, op.reason);
              else queue.settle(offsets, op.reason);
              for (const offset of offsets) (settled[offset] = true), counts.delete(offset);
            } else if (op.kind === 'return' && end > 0) {
              const offset = Math.floor(op.pick * end);
              const expected = settled[offset] ? 0 : (counts.get(offset) ?? 0) + 1;
              assert.equal(queue.recordReturn(offset), expected);
              if (!settled[offset]) counts.set(offset, expected);
            } else if (op.kind === 'purge') {
              assert.equal(queue.purge(), settled.filter((s) => !s).length);
              settled.fill(true);
              counts.clear();
            } else if (op.kind === 'reopen') {
              await queue.close();
              queue = await QueueLog.open(store, 'model', {}, OPTIONS);
            }
            assertAgrees(queue, settled, counts);
          }
          await queue.flush();
          assert.ok(queue.log.startOffset <= (settled.indexOf(false) === -1 ? settled.length : settled.indexOf(false)), 'no unsettled message is deleted');
        } finally {
          await queue.close();
        }
      }),
      { numRuns: 150 },
    );
  });
});
