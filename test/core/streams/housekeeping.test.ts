import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchOf, memoryBroker, recordsIn } from './helpers.js';

test('a read_committed long poll wakes when a transaction commits', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('wake', 1);
  const init = await broker.transactions.initProducerId({ transactionalId: 'w', transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 });
  const producer = { transactionalId: 'w', producerId: init.producerId, producerEpoch: init.producerEpoch };
  await broker.transactions.addPartitionsToTxn({ ...producer, topics: [{ name: 'wake', partitions: [0] }] });
  await broker.produce('wake', 0, batchOf([{ value: 'pending' }], { ...producer, baseSequence: 0, transactional: true }));
  const poll = broker.fetchMany([{ topic: 'wake', partition: 0, offset: 0, maxBytes: 1 << 20 }], { isolationLevel: 1, maxWaitMs: 30_000 });
  setTimeout(() => void broker.transactions.endTxn({ ...producer, committed: true }), 20);
  const [result] = await poll;
  assert.deepEqual(recordsIn(result.records).map((r) => r.value), ['pending']);
  assert.equal(result.lastStableOffset, 2);
  await broker.close();
});

test('log cleanup applies time retention and keeps aborted ranges that still reach into the log', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('short', 1, { 'retention.ms': '1000', 'segment.bytes': '100' });
  const init = await broker.transactions.initProducerId({ transactionalId: 'r', transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 });
  const producer = { transactionalId: 'r', producerId: init.producerId, producerEpoch: init.producerEpoch };
  await broker.transactions.addPartitionsToTxn({ ...producer, topics: [{ name: 'short', partitions: [0] }] });
  const old = Date.now() - 60_000;
  await broker.produce('short', 0, batchOf([{ value: 'x'.repeat(80), timestamp: old }], { ...producer, baseSequence: 0, transactional: true }));
  await broker.transactions.endTxn({ ...producer, committed: false });
  for (let i = 0; i < 3; i++) await broker.produce('short', 0, batchOf([{ value: 'y'.repeat(80) }]));
  assert.equal((await broker.fetch('short', 0, 0, 1 << 20, 1)).abortedTransactions?.length, 1);
  await broker.cleanLogs(Date.now());
  assert.equal((await broker.listOffsets('short', 0, -2)).offset, 1, 'the old segment is gone, the abort marker stays');
  const atMarker = await broker.fetch('short', 0, 1, 1 << 20, 1);
  assert.deepEqual(atMarker.abortedTransactions, [{ producerId: producer.producerId, firstOffset: 0 }], 'a range reaching past the log start is kept');
  await broker.deleteRecords('short', 0, 2);
  await broker.cleanLogs(Date.now());
  assert.deepEqual((await broker.fetch('short', 0, 2, 1 << 20, 1)).abortedTransactions, []);
  await broker.close();
});

test('an offset committed with an explicit retention time expires at that time even in a live group', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('t', 1);
  await broker.groups.offsetCommit({
    groupId: 'old-client',
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: 1000,
    topics: [{ name: 't', partitions: [{ partition: 0, offset: 5, leaderEpoch: -1, metadata: null }] }],
  });
  await broker.groups.expireOffsets(Date.now());
  assert.equal(broker.groups.offsetFetch('old-client', null).topics.length, 1);
  await broker.groups.expireOffsets(Date.now() + 2000);
  assert.equal(broker.groups.offsetFetch('old-client', null).topics.length, 0);
  await broker.close();
});
