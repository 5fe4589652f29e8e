import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kafkaCode } from '../../../src/core/streams/index.js';
import { splitBatches, verifyBatchCrc } from '../../../src/storage/record-batch.js';
import { batchOf, FileBrokerDir, memoryBroker, readAll, recordsIn } from './helpers.js';

test('produce assigns consecutive offsets and fetch returns the records', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('orders', 2);
  const first = await broker.produce('orders', 1, batchOf([{ key: 'a', value: '1' }, { key: 'b', value: '2' }]));
  const second = await broker.produce('orders', 1, batchOf([{ key: 'c', value: '3' }]));
  assert.deepEqual([first.errorCode, first.baseOffset, second.baseOffset], [0, 0, 2]);
  assert.equal(first.logAppendTime, -1);
  const res = await broker.fetch('orders', 1, 0, 1 << 20, 0);
  assert.equal(res.highWatermark, 3);
  assert.equal(res.lastStableOffset, 3);
  assert.equal(res.abortedTransactions, null);
  assert.deepEqual(recordsIn(res.records).map((r) => r.value), ['1', '2', '3']);
  assert.deepEqual(await readAll(broker, 'orders', 0), []);
  await broker.close();
});

test('fetch outside the log answers OFFSET_OUT_OF_RANGE; unknown partitions UNKNOWN_TOPIC_OR_PARTITION', async () => {
  const { broker } = await memoryBroker({ autoCreateTopics: false });
  await broker.createTopic('t', 1);
  await broker.produce('t', 0, batchOf([{ value: 'x' }]));
  assert.equal((await broker.fetch('t', 0, 5, 1000, 0)).errorCode, kafkaCode('OFFSET_OUT_OF_RANGE'));
  assert.equal((await broker.fetch('t', 3, 0, 1000, 0)).errorCode, kafkaCode('UNKNOWN_TOPIC_OR_PARTITION'));
  assert.equal((await broker.produce('nope', 0, batchOf([{ value: 'x' }]))).errorCode, kafkaCode('UNKNOWN_TOPIC_OR_PARTITION'));
  assert.equal((await broker.produce('t', 1, batchOf([{ value: 'x' }]))).errorCode, kafkaCode('UNKNOWN_TOPIC_OR_PARTITION'));
  const empty = await broker.fetch('t', 0, 1, 1000, 0);
  assert.deepEqual([empty.errorCode, empty.records.length], [0, 0]);
  await broker.close();
});

test('topics are auto-created on first produce and on metadata, with the default partition count', async () => {
  const { broker } = await memoryBroker({ defaultPartitions: 3 });
  assert.equal((await broker.produce('auto-1', 2, batchOf([{ value: 'v' }]))).errorCode, 0);
  assert.equal(broker.describeTopic('auto-1')?.partitions, 3);
  const [meta] = await broker.metadata(['auto-2']);
  assert.deepEqual([meta.errorCode, meta.partitions], [0, 3]);
  const [refused] = await broker.metadata(['auto-3'], false);
  assert.equal(refused.errorCode, kafkaCode('UNKNOWN_TOPIC_OR_PARTITION'));
  const [invalid] = await broker.metadata(['bad name!']);
  assert.equal(invalid.errorCode, kafkaCode('INVALID_TOPIC_EXCEPTION'));
  assert.deepEqual((await broker.metadata(null)).map((t) => t.name), ['auto-1', 'auto-2']);
  await broker.close();
});

test('produce rejects corrupt batches, several batches, and batches over max.message.bytes', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('t', 1, { 'max.message.bytes': '200' });
  const corrupt = batchOf([{ value: 'hello' }]);
  corrupt[corrupt.length - 1] ^= 0xff;
  assert.equal((await broker.produce('t', 0, corrupt)).errorCode, kafkaCode('CORRUPT_MESSAGE'));
  const two = Buffer.concat([batchOf([{ value: 'a' }]), batchOf([{ value: 'b' }])]);
  assert.equal((await broker.produce('t', 0, two)).errorCode, kafkaCode('INVALID_RECORD'));
  assert.equal((await broker.produce('t', 0, batchOf([{ value: 'x'.repeat(300) }]))).errorCode, kafkaCode('MESSAGE_TOO_LARGE'));
  assert.equal((await broker.produce('t', 0, Buffer.from('garbage'))).errorCode, kafkaCode('CORRUPT_MESSAGE'));
  assert.equal((await broker.fetch('t', 0, 0, 1000, 0)).highWatermark, 0);
  await broker.close();
});

test('over the file log, a corrupt batch still gets CORRUPT_MESSAGE and stored batches keep a valid CRC', async () => {
  const dir = await FileBrokerDir.create();
  try {
    const broker = await dir.open();
    await broker.createTopic('plain', 1);
    await broker.createTopic('stamped', 1, { 'message.timestamp.type': 'LogAppendTime' });
    const { producerId, producerEpoch } = await broker.transactions.initProducerId({ transactionalId: null, transactionTimeoutMs: 0, producerId: -1, producerEpoch: -1 });
    const corrupt = (batch: Buffer): Buffer => {
      batch[batch.length - 1] ^= 0xff;
      return batch;
    };
    for (const topic of ['plain', 'stamped']) {
      assert.equal((await broker.produce(topic, 0, corrupt(batchOf([{ value: 'bad' }])))).errorCode, kafkaCode('CORRUPT_MESSAGE'));
      const idempotent = corrupt(batchOf([{ value: 'bad' }], { producerId, producerEpoch, baseSequence: 0 }));
      assert.equal((await broker.produce(topic, 0, idempotent)).errorCode, kafkaCode('CORRUPT_MESSAGE'));
      assert.equal((await broker.produce(topic, 0, batchOf([{ value: 'good' }]))).errorCode, 0);
      const fetched = await broker.fetch(topic, 0, 0, 1 << 20, 0);
      assert.equal(fetched.highWatermark, 1, `${topic}: only the valid batch was stored`);
      assert.ok(splitBatches(fetched.records).every((b) => verifyBatchCrc(b)), `${topic}: stored batches pass their CRC`);
      assert.deepEqual(recordsIn(fetched.records).map((r) => r.value), ['good']);
    }
    await dir.stop(broker);
  } finally {
    await dir.remove();
  }
});

test('LogAppendTime topics stamp the broker time on the batch and answer it', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('stamped', 1, { 'message.timestamp.type': 'LogAppendTime' });
  const before = Date.now();
  const res = await broker.produce('stamped', 0, batchOf([{ value: 'v', timestamp: 1000 }]));
  assert.ok(res.logAppendTime >= before);
  const fetched = await broker.fetch('stamped', 0, 0, 1000, 0);
  assert.equal(fetched.records.readInt16BE(21) & 0x08, 0x08);
  assert.equal(Number(fetched.records.readBigInt64BE(35)), res.logAppendTime);
  await broker.close();
});

test('listOffsets answers latest, earliest, by timestamp and max timestamp', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('times', 1);
  await broker.produce('times', 0, batchOf([{ value: 'a', timestamp: 100 }, { value: 'b', timestamp: 200 }]));
  await broker.produce('times', 0, batchOf([{ value: 'c', timestamp: 500 }, { value: 'd', timestamp: 300 }]));
  assert.equal((await broker.listOffsets('times', 0, -1)).offset, 4);
  assert.equal((await broker.listOffsets('times', 0, -2)).offset, 0);
  assert.deepEqual(await broker.listOffsets('times', 0, 150), { errorCode: 0, offset: 1, timestamp: 200 });
  assert.deepEqual(await broker.listOffsets('times', 0, 250), { errorCode: 0, offset: 2, timestamp: 500 });
  assert.deepEqual(await broker.listOffsets('times', 0, 600), { errorCode: 0, offset: -1, timestamp: -1 });
  assert.deepEqual(await broker.listOffsets('times', 0, -3), { errorCode: 0, offset: 2, timestamp: 500 });
  assert.equal((await broker.listOffsets('times', 9, -1)).errorCode, kafkaCode('UNKNOWN_TOPIC_OR_PARTITION'));
  await broker.close();
});

test('deleteRecords moves the log start; earlier offsets are out of range', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('del', 1);
  for (let i = 0; i < 5; i++) await broker.produce('del', 0, batchOf([{ value: `v${i}` }]));
  assert.deepEqual(await broker.deleteRecords('del', 0, 3), { errorCode: 0, lowWatermark: 3 });
  assert.equal((await broker.listOffsets('del', 0, -2)).offset, 3);
  assert.equal((await broker.fetch('del', 0, 1, 1000, 0)).errorCode, kafkaCode('OFFSET_OUT_OF_RANGE'));
  assert.deepEqual((await readAll(broker, 'del', 0, 3)).map((r) => r.value), ['v3', 'v4']);
  assert.equal((await broker.deleteRecords('del', 0, 9)).errorCode, kafkaCode('OFFSET_OUT_OF_RANGE'));
  assert.deepEqual(await broker.deleteRecords('del', 0, -1), { errorCode: 0, lowWatermark: 5 });
  await broker.close();
});

test('fetchMany long-polls until data arrives on any partition, and honours the deadline', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('poll', 2);
  const requests = [
    { topic: 'poll', partition: 0, offset: 0, maxBytes: 1000 },
    { topic: 'poll', partition: 1, offset: 0, maxBytes: 1000 },
  ];
  const waiting = broker.fetchMany(requests, { isolationLevel: 0, maxWaitMs: 30_000, minBytes: 1 });
  setTimeout(() => void broker.produce('poll', 1, batchOf([{ value: 'late' }])), 20);
  const results = await waiting;
  assert.equal(results[0].records.length, 0);
  assert.deepEqual(recordsIn(results[1].records).map((r) => r.value), ['late']);
  const timedOut = await broker.fetchMany([requests[0]], { isolationLevel: 0, maxWaitMs: 30, minBytes: 1 });
  assert.equal(timedOut[0].records.length, 0);
  const controller = new AbortController();
  const aborted = broker.fetchMany([requests[0]], { isolationLevel: 0, maxWaitMs: 30_000, signal: controller.signal });
  controller.abort();
  assert.equal((await aborted)[0].records.length, 0);
  await broker.close();
});

test('fetchMany respects the response byte limit but always returns the first batch', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('budget', 2);
  await broker.produce('budget', 0, batchOf([{ value: 'x'.repeat(500) }]));
  await broker.produce('budget', 1, batchOf([{ value: 'y'.repeat(500) }]));
  const results = await broker.fetchMany(
    [
      { topic: 'budget', partition: 0, offset: 0, maxBytes: 100 },
      { topic: 'budget', partition: 1, offset: 0, maxBytes: 10_000 },
    ],
    { isolationLevel: 0, maxBytes: 100 },
  );
  assert.equal(recordsIn(results[0].records).length, 1);
  assert.equal(results[1].records.length, 0);
  assert.equal(results[1].highWatermark, 1);
  await broker.close();
});
