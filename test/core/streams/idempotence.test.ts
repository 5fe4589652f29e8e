import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kafkaCode } from '../../../src/core/streams/index.js';
import { batchOf, FileBrokerDir, memoryBroker, readAll } from './helpers.js';

const records = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ value: `${prefix}${i}` }));

test('a retried batch is answered with its original offset and not appended again', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('idem', 1);
  const { producerId, producerEpoch } = await broker.transactions.initProducerId({ transactionalId: null, transactionTimeoutMs: 0, producerId: -1, producerEpoch: -1 });
  const first = batchOf(records(2, 'a'), { producerId, producerEpoch, baseSequence: 0 });
  const second = batchOf(records(3, 'b'), { producerId, producerEpoch, baseSequence: 2 });
  assert.equal((await broker.produce('idem', 0, Buffer.from(first))).baseOffset, 0);
  assert.equal((await broker.produce('idem', 0, Buffer.from(second))).baseOffset, 2);
  const retry = await broker.produce('idem', 0, Buffer.from(first));
  assert.deepEqual([retry.errorCode, retry.baseOffset], [0, 0]);
  assert.equal((await broker.produce('idem', 0, Buffer.from(second))).baseOffset, 2);
  assert.equal((await readAll(broker, 'idem')).length, 5);
  await broker.close();
});

test('concurrent in-flight batches are checked in order, and a retry of one in flight gets its offset', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('flight', 1);
  const { producerId } = await broker.transactions.initProducerId({ transactionalId: null, transactionTimeoutMs: 0, producerId: -1, producerEpoch: -1 });
  const batches = [0, 1, 2, 3, 4].map((i) => batchOf([{ value: `v${i}` }], { producerId, producerEpoch: 0, baseSequence: i }));
  const results = await Promise.all([...batches.map((b) => broker.produce('flight', 0, Buffer.from(b))), broker.produce('flight', 0, Buffer.from(batches[2]))]);
  assert.deepEqual(results.map((r) => [r.errorCode, r.baseOffset]), [[0, 0], [0, 1], [0, 2], [0, 3], [0, 4], [0, 2]]);
  await broker.close();
});

test('a sequence gap is OUT_OF_ORDER_SEQUENCE_NUMBER; an older epoch is INVALID_PRODUCER_EPOCH; a new epoch restarts at 0', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('gaps', 1);
  const producerId = (await broker.transactions.initProducerId({ transactionalId: null, transactionTimeoutMs: 0, producerId: -1, producerEpoch: -1 })).producerId;
  await broker.produce('gaps', 0, batchOf(records(2, 'x'), { producerId, producerEpoch: 1, baseSequence: 0 }));
  const gap = await broker.produce('gaps', 0, batchOf(records(1, 'y'), { producerId, producerEpoch: 1, baseSequence: 5 }));
  assert.equal(gap.errorCode, kafkaCode('OUT_OF_ORDER_SEQUENCE_NUMBER'));
  const old = await broker.produce('gaps', 0, batchOf(records(1, 'z'), { producerId, producerEpoch: 0, baseSequence: 2 }));
  assert.equal(old.errorCode, kafkaCode('INVALID_PRODUCER_EPOCH'));
  const badNewEpoch = await broker.produce('gaps', 0, batchOf(records(1, 'n'), { producerId, producerEpoch: 2, baseSequence: 3 }));
  assert.equal(badNewEpoch.errorCode, kafkaCode('OUT_OF_ORDER_SEQUENCE_NUMBER'));
  assert.equal((await broker.produce('gaps', 0, batchOf(records(1, 'n'), { producerId, producerEpoch: 2, baseSequence: 0 }))).errorCode, 0);
  assert.equal((await broker.produce('gaps', 0, batchOf(records(1, 'n'), { producerId, producerEpoch: 2, baseSequence: 1 }))).errorCode, 0);
  assert.equal((await readAll(broker, 'gaps')).length, 4);
  await broker.close();
});

test('producer ids are unique across restarts and sequence state is rebuilt from the log', async () => {
  const dir = await FileBrokerDir.create();
  try {
    let broker = await dir.open();
    await broker.createTopic('durable-idem', 1);
    const init = () => broker.transactions.initProducerId({ transactionalId: null, transactionTimeoutMs: 0, producerId: -1, producerEpoch: -1 });
    const { producerId } = await init();
    const first = batchOf(records(2, 'a'), { producerId, producerEpoch: 0, baseSequence: 0 });
    await broker.produce('durable-idem', 0, Buffer.from(first));
    await dir.stop(broker);
    broker = await dir.open();
    assert.notEqual((await init()).producerId, producerId);
    assert.deepEqual(await broker.produce('durable-idem', 0, Buffer.from(first)).then((r) => [r.errorCode, r.baseOffset]), [0, 0]);
    const gap = await broker.produce('durable-idem', 0, batchOf(records(1, 'c'), { producerId, producerEpoch: 0, baseSequence: 7 }));
    assert.equal(gap.errorCode, kafkaCode('OUT_OF_ORDER_SEQUENCE_NUMBER'));
    assert.equal((await broker.produce('durable-idem', 0, batchOf(records(1, 'c'), { producerId, producerEpoch: 0, baseSequence: 2 }))).baseOffset, 2);
    await dir.stop(broker);
  } finally {
    await dir.remove();
  }
});
