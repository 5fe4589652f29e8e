import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kafkaCode, type StreamBroker } from '../../../src/core/streams/index.js';
import { batchOf, FileBrokerDir, memoryBroker, recordsIn } from './helpers.js';

const code = kafkaCode;

async function beginTxn(broker: StreamBroker, transactionalId: string, partitions: number[], timeoutMs = 60_000) {
  const init = await broker.transactions.initProducerId({ transactionalId, transactionTimeoutMs: timeoutMs, producerId: -1, producerEpoch: -1 });
  assert.equal(init.errorCode, 0);
  const producer = { transactionalId, producerId: init.producerId, producerEpoch: init.producerEpoch };
  const added = await broker.transactions.addPartitionsToTxn({ ...producer, topics: [{ name: 'tx', partitions }] });
  assert.ok(added[0].partitions.every((p) => p.errorCode === 0));
  let sequence = 0;
  const send = async (partition: number, value: string) => {
    const batch = batchOf([{ key: value, value }], { ...producer, baseSequence: sequence++, transactional: true });
    return broker.produce('tx', partition, batch);
  };
  return { producer, send };
}

const fetchValues = async (broker: StreamBroker, isolation: 0 | 1, partition = 0) => {
  const res = await broker.fetch('tx', partition, 0, 1 << 20, isolation);
  return { res, values: recordsIn(res.records).map((r) => r.value) };
};

test('committed transactions become visible to read_committed; the LSO holds back open ones', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('tx', 1);
  await broker.produce('tx', 0, batchOf([{ value: 'plain' }]));
  const { producer, send } = await beginTxn(broker, 'app-1', [0]);
  assert.equal((await send(0, 't1')).baseOffset, 1);
  await send(0, 't2');
  let committed = await fetchValues(broker, 1);
  assert.deepEqual([committed.res.lastStableOffset, committed.res.highWatermark], [1, 3]);
  assert.deepEqual(committed.values, ['plain']);
  assert.deepEqual((await fetchValues(broker, 0)).values, ['plain', 't1', 't2']);
  assert.equal((await broker.listOffsets('tx', 0, -1, 1)).offset, 1);
  assert.deepEqual(await broker.transactions.endTxn({ ...producer, committed: true }), { errorCode: 0 });
  committed = await fetchValues(broker, 1);
  assert.deepEqual([committed.res.lastStableOffset, committed.res.highWatermark], [4, 4]);
  assert.deepEqual(committed.values, ['plain', 't1', 't2']);
  assert.deepEqual(committed.res.abortedTransactions, []);
  const marker = recordsIn(committed.res.records, 0, true).at(-1);
  assert.equal(marker?.offset, 3);
  assert.deepEqual(await broker.transactions.endTxn({ ...producer, committed: true }), { errorCode: 0 }, 'a retried EndTxn succeeds');
  assert.equal((await broker.transactions.endTxn({ ...producer, committed: false })).errorCode, code('INVALID_TXN_STATE'));
  await broker.close();
});

test('aborted transactions are listed for read_committed fetches across every partition of the transaction', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('tx', 2);
  const { producer, send } = await beginTxn(broker, 'app-2', [0, 1]);
  await send(0, 'doomed-0');
  await send(1, 'doomed-1');
  await broker.produce('tx', 1, batchOf([{ value: 'bystander' }]));
  await broker.transactions.endTxn({ ...producer, committed: false });
  for (const partition of [0, 1]) {
    const { res } = await fetchValues(broker, 1, partition);
    assert.deepEqual(res.abortedTransactions, [{ producerId: producer.producerId, firstOffset: 0 }]);
    assert.equal(res.lastStableOffset, res.highWatermark);
  }
  const uncommitted = await fetchValues(broker, 0, 1);
  assert.equal(uncommitted.res.abortedTransactions, null);
  assert.deepEqual(uncommitted.values, ['doomed-1', 'bystander']);
  await broker.close();
});

test('transactional writes need the partition added, the current epoch, and an open transaction', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('tx', 2);
  const { producer, send } = await beginTxn(broker, 'app-3', [0]);
  assert.equal((await send(1, 'not-added')).errorCode, code('INVALID_TXN_STATE'));
  assert.equal((await send(0, 'ok')).errorCode, 0);
  const stale = await broker.transactions.addPartitionsToTxn({ ...producer, producerEpoch: producer.producerEpoch - 1, topics: [{ name: 'tx', partitions: [1] }] });
  assert.equal(stale[0].partitions[0].errorCode, code('PRODUCER_FENCED'));
  const unknown = await broker.transactions.addPartitionsToTxn({ ...producer, topics: [{ name: 'missing', partitions: [0] }] });
  assert.equal(unknown[0].partitions[0].errorCode, code('UNKNOWN_TOPIC_OR_PARTITION'));
  assert.equal((await broker.transactions.initProducerId({ transactionalId: 'x', transactionTimeoutMs: 3_600_000, producerId: -1, producerEpoch: -1 })).errorCode, code('INVALID_TRANSACTION_TIMEOUT'));
  await broker.close();
});

test('a new InitProducerId for the same transactional id aborts the open transaction and fences the old producer', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('tx', 1);
  const old = await beginTxn(broker, 'app-4', [0]);
  await old.send(0, 'zombie');
  const fresh = await broker.transactions.initProducerId({ transactionalId: 'app-4', transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 });
  assert.deepEqual([fresh.errorCode, fresh.producerId, fresh.producerEpoch], [0, old.producer.producerId, old.producer.producerEpoch + 1]);
  const { res } = await fetchValues(broker, 1);
  assert.deepEqual(res.abortedTransactions, [{ producerId: old.producer.producerId, firstOffset: 0 }]);
  assert.equal(res.lastStableOffset, res.highWatermark);
  assert.equal((await old.send(0, 'zombie-2')).errorCode, code('INVALID_PRODUCER_EPOCH'));
  assert.equal((await broker.transactions.endTxn({ ...old.producer, committed: true })).errorCode, code('PRODUCER_FENCED'));
  await broker.close();
});

test('transactions open past their timeout are aborted by housekeeping and the producer is fenced', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('tx', 1);
  const { producer, send } = await beginTxn(broker, 'app-5', [0], 1000);
  await send(0, 'slow');
  await broker.runMaintenance(Date.now());
  assert.equal((await fetchValues(broker, 1)).res.lastStableOffset, 0, 'not yet timed out');
  await broker.runMaintenance(Date.now() + 5000);
  const { res } = await fetchValues(broker, 1);
  assert.equal(res.lastStableOffset, res.highWatermark);
  assert.deepEqual(res.abortedTransactions, [{ producerId: producer.producerId, firstOffset: 0 }]);
  assert.equal((await broker.transactions.endTxn({ ...producer, committed: true })).errorCode, code('PRODUCER_FENCED'));
  await broker.close();
});

test('transactional offset commits apply only when the transaction commits', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('tx', 1);
  const commitOffsets = async (transactionalId: string, offset: number, committed: boolean) => {
    const { producer } = await beginTxn(broker, transactionalId, [0]);
    assert.equal((await broker.transactions.addOffsetsToTxn({ ...producer, groupId: 'g' })).errorCode, 0);
    const answer = await broker.transactions.txnOffsetCommit({
      ...producer,
      groupId: 'g',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [{ name: 'tx', partitions: [{ partition: 0, offset, leaderEpoch: -1, metadata: null }] }],
    });
    assert.equal(answer[0].partitions[0].errorCode, 0);
    const pending = broker.groups.offsetFetch('g', [{ name: 'tx', partitions: [0] }], true).topics[0].partitions[0];
    assert.equal(pending.errorCode, code('UNSTABLE_OFFSET_COMMIT'));
    await broker.transactions.endTxn({ ...producer, committed });
  };
  await commitOffsets('app-6', 10, false);
  assert.equal(broker.groups.offsetFetch('g', [{ name: 'tx', partitions: [0] }], true).topics[0].partitions[0].offset, -1);
  await commitOffsets('app-7', 20, true);
  assert.deepEqual(broker.groups.offsetFetch('g', [{ name: 'tx', partitions: [0] }], true).topics[0].partitions[0], {
    partition: 0,
    offset: 20,
    leaderEpoch: -1,
    metadata: '',
    errorCode: 0,
  });
  await broker.close();
});

test('open transactions, aborted ranges and producer epochs are recovered after a restart', async () => {
  const dir = await FileBrokerDir.create();
  try {
    let broker = await dir.open();
    await broker.createTopic('tx', 1);
    const aborted = await beginTxn(broker, 'app-8', [0]);
    await aborted.send(0, 'a');
    await broker.transactions.endTxn({ ...aborted.producer, committed: false });
    const open = await beginTxn(broker, 'app-9', [0]);
    await open.send(0, 'b');
    await dir.stop(broker);

    broker = await dir.open();
    let { res } = await fetchValues(broker, 1);
    assert.deepEqual([res.lastStableOffset, res.highWatermark], [2, 3]);
    assert.deepEqual(res.abortedTransactions, [{ producerId: aborted.producer.producerId, firstOffset: 0 }]);
    const next = batchOf([{ key: 'c', value: 'c' }], { ...open.producer, baseSequence: 1, transactional: true });
    assert.equal((await broker.produce('tx', 0, next)).errorCode, 0);
    assert.equal((await broker.transactions.endTxn({ ...open.producer, committed: true })).errorCode, 0);
    ({ res } = await fetchValues(broker, 1));
    assert.equal(res.lastStableOffset, res.highWatermark);
    assert.deepEqual(recordsIn(res.records).map((r) => r.value), ['a', 'b', 'c']);
    const again = await broker.transactions.initProducerId({ transactionalId: 'app-9', transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 });
    assert.deepEqual([again.producerId, again.producerEpoch], [open.producer.producerId, open.producer.producerEpoch + 1]);
    await dir.stop(broker);
  } finally {
    await dir.remove();
  }
});

test('an open transaction still holds the LSO after a restart even when its records carry old timestamps', async () => {
  const dir = await FileBrokerDir.create();
  try {
    let broker = await dir.open();
    await broker.createTopic('tx', 1);
    const { producer } = await beginTxn(broker, 'app-10', [0]);
    await broker.produce('tx', 0, batchOf([{ value: 'plain', timestamp: 1000 }]));
    await broker.produce('tx', 0, batchOf([{ value: 'old', timestamp: 2000 }], { ...producer, baseSequence: 0, transactional: true }));
    await dir.stop(broker);
    broker = await dir.open();
    const { res, values } = await fetchValues(broker, 1);
    assert.deepEqual([res.lastStableOffset, res.highWatermark, values], [1, 2, ['plain']]);
    await dir.stop(broker);
  } finally {
    await dir.remove();
  }
});

test('an idle transactional id is forgotten after the id expiration; an open one is not', async () => {
  const { broker } = await memoryBroker({ transactionalIdExpirationMs: 60_000 });
  await broker.createTopic('tx', 1);
  const idle = await beginTxn(broker, 'idle', [0]);
  await broker.transactions.endTxn({ ...idle.producer, committed: true });
  const busy = await beginTxn(broker, 'busy', [0], 600_000);
  await busy.send(0, 'open');
  await broker.runMaintenance(Date.now() + 120_000);
  const reinit = (transactionalId: string) => broker.transactions.initProducerId({ transactionalId, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 });
  const idleAgain = await reinit('idle');
  assert.deepEqual([idleAgain.producerEpoch, idleAgain.producerId === idle.producer.producerId], [0, false]);
  const busyAgain = await reinit('busy');
  assert.deepEqual([busyAgain.producerId, busyAgain.producerEpoch], [busy.producer.producerId, busy.producer.producerEpoch + 1]);
  await broker.close();
});
