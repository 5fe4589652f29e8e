// kafkajs transactions: committed and aborted transactions as read_committed and
// read_uncommitted consumers see them, with offsets committed inside a transaction.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Kafka } from 'kafkajs';
import { kafkajsClient, startKafkaBroker, type KafkaTestBroker } from './kafka-support/broker.js';

let broker: KafkaTestBroker;
let kafka: Kafka;

before(async () => {
  broker = await startKafkaBroker();
  kafka = kafkajsClient(broker.brokers);
});
after(async () => {
  await broker.close();
});

async function readValues(groupId: string, readUncommitted: boolean, count: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId, readUncommitted, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'payments', fromBeginning: true });
  const values: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${values.join(',')} arrived`)), 20_000);
    void consumer
      .run({
        eachMessage: async ({ message }) => {
          values.push(message.value!.toString());
          if (values.length === count) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return values;
}

test('read_committed sees committed transactions only; read_uncommitted sees everything', async () => {
  const producer = kafka.producer({ transactionalId: 'payments-tx', idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();

  const first = await producer.transaction();
  await first.send({ topic: 'payments', messages: [{ value: 'c1' }, { value: 'c2' }] });
  await first.sendOffsets({ consumerGroupId: 'settlement', topics: [{ topic: 'payments', partitions: [{ partition: 0, offset: '2' }] }] });
  await first.commit();

  const aborted = await producer.transaction();
  await aborted.send({ topic: 'payments', messages: [{ value: 'a1' }, { value: 'a2' }] });
  await aborted.sendOffsets({ consumerGroupId: 'settlement', topics: [{ topic: 'payments', partitions: [{ partition: 0, offset: '99' }] }] });
  await aborted.abort();

  const last = await producer.transaction();
  await last.send({ topic: 'payments', messages: [{ value: 'c3' }] });
  await last.commit();
  await producer.disconnect();

  assert.deepEqual(await readValues('committed-reader', false, 3), ['c1', 'c2', 'c3']);
  assert.deepEqual(await readValues('uncommitted-reader', true, 5), ['c1', 'c2', 'a1', 'a2', 'c3']);

  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchOffsets({ groupId: 'settlement', topics: ['payments'] });
  await admin.disconnect();
  assert.equal(offsets[0].partitions[0].offset, '2', 'only the committed transaction moved the group offset');
});

test('a second producer with the same transactional id fences the first', async () => {
  const old = kafka.producer({ transactionalId: 'fenced-tx', idempotent: true, maxInFlightRequests: 1 });
  await old.connect();
  const pending = await old.transaction();
  await pending.send({ topic: 'payments', messages: [{ value: 'zombie' }] });

  const successor = kafka.producer({ transactionalId: 'fenced-tx', idempotent: true, maxInFlightRequests: 1 });
  await successor.connect();
  const current = await successor.transaction();
  await assert.rejects(pending.commit(), (err: { type?: string }) => err.type === 'INVALID_PRODUCER_EPOCH');
  await current.send({ topic: 'payments', messages: [{ value: 'successor' }] });
  await current.commit();
  await successor.disconnect();
  await old.disconnect();
});
