/**
 * A queue's settlement log must never settle messages it did not see: settlements left past the end of
 * a message log that lost data (power loss, failed sync) are dropped for good before new messages
 * reuse their offsets, and a failed publish stops settlement writes rather than naming lost messages.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryLogStore } from '../../src/storage/memory-store.js';
import { QueueLog, settlementLogName } from '../../src/storage/queue-log.js';
import { encodeBatch } from '../../src/storage/record-batch.js';
import { encodeSettlement } from '../../src/storage/queue/settlement-codec.js';
import type { LogStore } from '../../src/storage/types.js';
import { withFileStore } from './file-test-kit.js';
import { makeBatch } from './log-contract.js';

/** Leaves a settlement log saying `[0, end)` was acked next to a message log holding `messages` messages. */
async function staleState(store: LogStore, name: string, messages: number, end: number): Promise<void> {
  if (messages > 0) {
    const log = await store.open(name);
    await log.append(makeBatch('m', messages));
    await log.close();
  }
  const settlements = await store.open(settlementLogName(name));
  await settlements.append(encodeBatch([{ key: null, value: encodeSettlement({ kind: 'ranges', reason: 'ack', ranges: [0, end] }) }]));
  await settlements.close();
}

/** Opens the queue, publishes `count` new messages, and stops without a clean close (as a crash would). */
async function publishThenCrash(store: LogStore, name: string, count: number): Promise<void> {
  const queue = await QueueLog.open(store, name);
  await queue.publish(makeBatch('new', count));
  await queue.log.close();
  await queue.settlementLog?.close();
}

test('settlements past the end of the message log are dropped for good, not just ignored once', async () => {
  const store = new MemoryLogStore();
  await staleState(store, 'queue.%2F.shrunk', 2, 5);
  await publishThenCrash(store, 'queue.%2F.shrunk', 3);
  const queue = await QueueLog.open(store, 'queue.%2F.shrunk');
  assert.equal(queue.log.highWatermark, 5);
  assert.equal(queue.unsettledCount, 3, 'the three new messages at offsets 2..4 are not settled');
  assert.equal(queue.nextUnsettled(0), 2);
  await queue.close();
});

test('a settlement log left beside an empty message log is replaced, not appended to', async () => {
  const store = new MemoryLogStore();
  await staleState(store, 'queue.%2F.emptied', 0, 4);
  const queue = await QueueLog.open(store, 'queue.%2F.emptied');
  await queue.publish(makeBatch('new', 4));
  await queue.settleAsync([3], 'ack');
  await queue.log.close();
  await queue.settlementLog?.close();
  const reopened = await QueueLog.open(store, 'queue.%2F.emptied');
  assert.equal(reopened.unsettledCount, 3, 'only the message acked after the restart is settled');
  assert.equal(reopened.nextUnsettled(0), 0);
  await reopened.close();
});

test('a settlement of a message whose fdatasync failed is never written', { timeout: 10_000 }, async () => {
  await withFileStore(async (store) => {
    const queue = await QueueLog.open(store, 'queue.%2F.sync-fails');
    await queue.publish(makeBatch('m0'));
    const segments = (queue.log as unknown as { segments: { handle?: { datasync(): Promise<void> } }[] }).segments;
    let failSync: (() => void) | undefined;
    segments[segments.length - 1].handle!.datasync = () => new Promise<void>((_, reject) => (failSync = () => reject(new Error('EIO: i/o error, fdatasync'))));
    let readable = false;
    const lost = queue.publish(makeBatch('m1'), () => (readable = true));
    while (!readable || failSync === undefined) await new Promise((resolve) => setImmediate(resolve));
    queue.settle([1], 'ack');
    const settling = queue.flush();
    const quietly = console.error;
    console.error = () => undefined;
    try {
      failSync();
      await assert.rejects(lost);
      await assert.rejects(settling, 'the settlement write fails with the publish it depended on');
    } finally {
      console.error = quietly;
    }
    assert.equal(queue.settlementLog?.highWatermark ?? 0, 0, 'nothing settled reached the settlement log');
    assert.throws(() => queue.settle([0], 'ack'), 'later settlements are refused');
    await queue.close().catch(() => undefined);
  }, { fsync: 'batch' });
});
