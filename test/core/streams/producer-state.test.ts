import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BrokerError } from '../../../src/core/errors.js';
import { ProducerStateTable } from '../../../src/core/streams/producer-state.js';
import type { BatchHeader } from '../../../src/storage/record-batch.js';

function header(baseSequence: number, count: number, producerEpoch = 0): BatchHeader {
  return {
    baseOffset: 0,
    batchLength: 0,
    partitionLeaderEpoch: -1,
    magic: 2,
    crc: 0,
    attributes: 0,
    lastOffsetDelta: count - 1,
    baseTimestamp: 0,
    maxTimestamp: 0,
    producerId: 7,
    producerEpoch,
    baseSequence,
    recordCount: count,
  };
}

/** One step a producer may take: send the next batch, retry a recent one, or skip ahead. */
const step = fc.oneof(
  fc.record({ kind: fc.constant('next' as const), count: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('retry' as const), back: fc.integer({ min: 1, max: 7 }) }),
  fc.record({ kind: fc.constant('gap' as const), skip: fc.integer({ min: 1, max: 3 }) }),
);

test('sequence checks agree with a model: in-order batches append, recent retries are duplicates, gaps are refused', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
      const table = new ProducerStateTable();
      const sent: { seq: number; count: number; offset: number }[] = [];
      let nextSeq = 0;
      let nextOffset = 0;
      for (const s of steps) {
        if (s.kind === 'next') {
          const h = header(nextSeq, s.count);
          assert.equal(table.check(h).duplicateOf, null);
          table.record(h, Promise.resolve(nextOffset), 0);
          sent.push({ seq: nextSeq, count: s.count, offset: nextOffset });
          nextSeq += s.count;
          nextOffset += s.count;
        } else if (s.kind === 'retry') {
          const original = sent[sent.length - s.back];
          if (original === undefined) continue;
          const h = header(original.seq, original.count);
          if (s.back <= 5) {
            const dup = table.check(h).duplicateOf;
            assert.ok(dup, 'a retry of one of the last five batches is a duplicate');
            assert.equal(await dup.baseOffset, original.offset);
          } else {
            assert.throws(() => table.check(h), (e) => e instanceof BrokerError && e.errorName === 'OUT_OF_ORDER_SEQUENCE_NUMBER');
          }
        } else if (sent.length > 0) {
          assert.throws(() => table.check(header(nextSeq + s.skip, 1)), (e) => e instanceof BrokerError && e.errorName === 'OUT_OF_ORDER_SEQUENCE_NUMBER');
        }
      }
    }),
  );
});

test('sequences wrap from 2^31-1 to 0', () => {
  const table = new ProducerStateTable();
  const last = header(2147483646, 2);
  table.record(last, Promise.resolve(0), 0);
  assert.equal(table.check(header(0, 1)).duplicateOf, null);
  assert.throws(() => table.check(header(2147483647, 1)));
});
