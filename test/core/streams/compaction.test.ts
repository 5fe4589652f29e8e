import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Compactor, COMPACTION_JOURNAL } from '../../../src/core/streams/compaction.js';
import { kafkaCode } from '../../../src/core/streams/index.js';
import { StateLog } from '../../../src/core/streams/state-log.js';
import { crc32c } from '../../../src/storage/crc32c.js';
import { MemoryLogStore } from '../../../src/storage/memory-store.js';
import { batchOf, FileBrokerDir, memoryBroker, readAll } from './helpers.js';

const DAY = 24 * 3600 * 1000;

/** Re-encodes an uncompressed batch with its records gzip-compressed, as a client would send it. */
function gzipped(batch: Buffer): Buffer {
  const records = gzipSync(batch.subarray(61));
  const out = Buffer.concat([batch.subarray(0, 61), records]);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt16BE(out.readInt16BE(21) | 1, 21);
  out.writeUInt32BE(crc32c(out, 21, out.length), 17);
  return out;
}

test('compaction keeps the latest record per key at its original offset', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('state', 1, { 'cleanup.policy': 'compact' });
  await broker.produce('state', 0, batchOf([{ key: 'a', value: 'a1' }, { key: 'b', value: 'b1' }]));
  await broker.produce('state', 0, gzipped(batchOf([{ key: 'a', value: 'a2' }, { key: 'c', value: 'c1' }])));
  await broker.produce('state', 0, batchOf([{ key: 'b', value: null }, { key: 'a', value: 'a3' }]));
  assert.equal((await broker.produce('state', 0, batchOf([{ key: null, value: 'no-key' }]))).errorCode, kafkaCode('INVALID_RECORD'));
  assert.equal(await broker.compactNow('state'), 1);
  assert.deepEqual(await readAll(broker, 'state'), [
    { offset: 3, key: 'c', value: 'c1' },
    { offset: 4, key: 'b', value: null },
    { offset: 5, key: 'a', value: 'a3' },
  ]);
  assert.equal((await broker.fetch('state', 0, 1, 1 << 20, 0)).errorCode, 0, 'removed offsets are still inside the log');
  assert.deepEqual((await readAll(broker, 'state', 0, 4)).map((r) => r.offset), [4, 5]);
  assert.equal(await broker.compactNow('state'), 0, 'nothing left to remove');
  assert.equal(await broker.compactNow('state', Date.now() + 2 * DAY), 1, 'the tombstone goes after delete.retention.ms');
  assert.deepEqual((await readAll(broker, 'state')).map((r) => r.key), ['c', 'a']);
  assert.equal((await broker.produce('state', 0, batchOf([{ key: 'd', value: 'd1' }]))).baseOffset, 6);
  await broker.close();
});

test('records younger than min.compaction.lag.ms are not compacted yet', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('lagged', 1, { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '60000' });
  const now = Date.now();
  await broker.produce('lagged', 0, batchOf([{ key: 'a', value: 'old', timestamp: now - 120_000 }]));
  await broker.produce('lagged', 0, batchOf([{ key: 'a', value: 'mid', timestamp: now - 90_000 }]));
  await broker.produce('lagged', 0, batchOf([{ key: 'a', value: 'new', timestamp: now }]));
  assert.equal(await broker.compactNow('lagged', now), 1);
  assert.deepEqual((await readAll(broker, 'lagged')).map((r) => r.value), ['mid', 'new']);
  await broker.close();
});

test('topics with cleanup.policy=delete are never compacted', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('plain', 1);
  await broker.produce('plain', 0, batchOf([{ key: 'a', value: '1' }, { key: 'a', value: '2' }]));
  assert.equal(await broker.compactNow('plain'), 0);
  assert.equal((await readAll(broker, 'plain')).length, 2);
  await broker.close();
});

test('compaction drops records of aborted transactions and stops at the last stable offset', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('txc', 1, { 'cleanup.policy': 'compact' });
  const init = await broker.transactions.initProducerId({ transactionalId: 'c', transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 });
  const producer = { transactionalId: 'c', producerId: init.producerId, producerEpoch: init.producerEpoch };
  const txnBatch = (seq: number, key: string) => batchOf([{ key, value: key }], { ...producer, baseSequence: seq, transactional: true });
  await broker.transactions.addPartitionsToTxn({ ...producer, topics: [{ name: 'txc', partitions: [0] }] });
  await broker.produce('txc', 0, txnBatch(0, 'aborted'));
  await broker.transactions.endTxn({ ...producer, committed: false });
  await broker.produce('txc', 0, batchOf([{ key: 'k', value: 'old' }]));
  await broker.produce('txc', 0, batchOf([{ key: 'k', value: 'new' }]));
  await broker.transactions.addPartitionsToTxn({ ...producer, topics: [{ name: 'txc', partitions: [0] }] });
  await broker.produce('txc', 0, txnBatch(1, 'k'));
  assert.equal(await broker.compactNow('txc'), 1);
  assert.deepEqual(await readAll(broker, 'txc'), [
    { offset: 3, key: 'k', value: 'new' },
    { offset: 4, key: 'k', value: 'k' },
  ]);
  const committed = await broker.fetch('txc', 0, 0, 1 << 20, 1);
  assert.equal(committed.lastStableOffset, 4);
  await broker.close();
});

test('a compacted log survives a restart on the file store', async () => {
  const dir = await FileBrokerDir.create();
  try {
    let broker = await dir.open();
    await broker.createTopic('kv', 1, { 'cleanup.policy': 'compact' });
    for (let i = 0; i < 20; i++) await broker.produce('kv', 0, batchOf([{ key: `k${i % 3}`, value: `v${i}` }]));
    assert.equal(await broker.compactNow('kv'), 1);
    const compacted = await readAll(broker, 'kv');
    assert.deepEqual(compacted.map((r) => r.value), ['v17', 'v18', 'v19']);
    await dir.stop(broker);
    broker = await dir.open();
    assert.deepEqual(await readAll(broker, 'kv'), compacted);
    assert.equal((await broker.produce('kv', 0, batchOf([{ key: 'k0', value: 'v20' }]))).baseOffset, 20);
    await dir.stop(broker);
  } finally {
    await dir.remove();
  }
});

test('a log replacement interrupted after the journal entry is finished when the compactor opens', async () => {
  const store = new MemoryLogStore();
  const scratch = await store.open('__switchyard.compacting.kv-0');
  for (const value of ['a', 'b', 'c']) await scratch.append(batchOf([{ key: value, value }]));
  await scratch.deleteRecordsBefore(1);
  await scratch.close();
  const original = await store.open('kv-0');
  await original.append(batchOf([{ key: 'half', value: 'written' }]));
  await original.close();
  const journal = await StateLog.open<{ scratch: string }>(store, COMPACTION_JOURNAL);
  await journal.write([['kv-0', { scratch: '__switchyard.compacting.kv-0' }]]);
  await journal.close();
  for (const name of ['__switchyard.compacting.other-0', 'amqp.queue.jobs.compacting']) await (await store.open(name)).close();

  const compactor = await Compactor.open(store);
  await compactor.close();
  assert.deepEqual((await store.list()).sort(), [COMPACTION_JOURNAL, 'amqp.queue.jobs.compacting', 'kv-0'].sort(), 'only abandoned scratch logs are removed');
  const replaced = await store.open('kv-0');
  assert.deepEqual([replaced.startOffset, replaced.highWatermark], [1, 3]);
  const reopened = await StateLog.open<{ scratch: string }>(store, COMPACTION_JOURNAL);
  assert.equal(reopened.entries.size, 0);
});
