// kafkajs producing and consuming through the broker: keys and partitions, consumer groups,
// replay by seeking, timestamp lookup and the idempotent producer.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import kafkajs, { type Consumer, type EachMessagePayload, type Kafka } from 'kafkajs';
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

interface Seen {
  partition: number;
  offset: number;
  key: string;
  value: string;
}

/** Consumes `topic` in `groupId` until `count` messages arrived; returns them in arrival order. */
async function consumeAll(topic: string, groupId: string, count: number, setup?: (c: Consumer) => void): Promise<Seen[]> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: Seen[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${seen.length} of ${count} messages arrived`)), 20_000);
    void consumer
      .run({
        eachMessage: async ({ partition, message }: EachMessagePayload) => {
          seen.push({ partition, offset: Number(message.offset), key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
          if (seen.length === count) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
    setup?.(consumer);
  });
  await consumer.disconnect();
  return seen;
}

test('keyed messages: same key, same partition, in order', async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'keyed', numPartitions: 4 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const messages = Array.from({ length: 40 }, (_, i) => ({ key: `user-${i % 5}`, value: `event-${i}` }));
  for (let i = 0; i < messages.length; i += 8) await producer.send({ topic: 'keyed', messages: messages.slice(i, i + 8) });
  await producer.disconnect();

  const seen = await consumeAll('keyed', 'keyed-readers', 40);
  const partitionOfKey = new Map<string, number>();
  for (const m of seen) {
    if (!partitionOfKey.has(m.key)) partitionOfKey.set(m.key, m.partition);
    assert.equal(partitionOfKey.get(m.key), m.partition, `${m.key} stays on one partition`);
  }
  for (const key of partitionOfKey.keys()) {
    const values = seen.filter((m) => m.key === key).map((m) => m.value);
    const sent = messages.filter((m) => m.key === key).map((m) => m.value);
    assert.deepEqual(values, sent, `order of ${key}`);
  }
});

test('two consumer groups each receive every message', async () => {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'fanout', messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })) });
  await producer.disconnect();
  const [a, b] = await Promise.all([consumeAll('fanout', 'group-a', 10), consumeAll('fanout', 'group-b', 10)]);
  const expected = Array.from({ length: 10 }, (_, i) => `m${i}`);
  assert.deepEqual(a.map((m) => m.value), expected);
  assert.deepEqual(b.map((m) => m.value), expected);
});

test('replay: seeking back re-delivers from the chosen offset', async () => {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'replay', messages: Array.from({ length: 6 }, (_, i) => ({ value: `r${i}` })) });
  await producer.disconnect();
  let sought = false;
  const consumer = kafka.consumer({ groupId: 'replayer', maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'replay', fromBeginning: true });
  const values: string[] = [];
  await new Promise<void>((resolve, reject) => {
    void consumer
      .run({
        eachMessage: async ({ message }) => {
          values.push(message.value!.toString());
          if (values.length === 6 && !sought) {
            sought = true;
            consumer.seek({ topic: 'replay', partition: 0, offset: '3' });
          }
          if (values.length === 9) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  assert.deepEqual(values, ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r3', 'r4', 'r5']);
});

test('admin resets committed offsets and a restarted group replays', async () => {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'reset-me', messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
  await producer.disconnect();
  assert.deepEqual((await consumeAll('reset-me', 'resetters', 3)).map((m) => m.value), ['a', 'b', 'c']);
  const admin = kafka.admin();
  await admin.connect();
  const committed = await admin.fetchOffsets({ groupId: 'resetters', topics: ['reset-me'] });
  assert.equal(committed[0].partitions[0].offset, '3');
  await admin.setOffsets({ groupId: 'resetters', topic: 'reset-me', partitions: [{ partition: 0, offset: '1' }] });
  await admin.disconnect();
  assert.deepEqual((await consumeAll('reset-me', 'resetters', 2)).map((m) => m.value), ['b', 'c']);
});

test('timestamp lookup finds the first offset at or after a time', async () => {
  const producer = kafka.producer();
  await producer.connect();
  const base = Date.now() - 60_000;
  for (let i = 0; i < 5; i++) await producer.send({ topic: 'timed', messages: [{ value: `t${i}`, timestamp: String(base + i * 1000) }] });
  await producer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  const [at] = await admin.fetchTopicOffsetsByTimestamp('timed', base + 2500);
  assert.equal(at.offset, '3');
  const [latest] = await admin.fetchTopicOffsets('timed');
  assert.deepEqual([latest.low, latest.high], ['0', '5']);
  await admin.disconnect();
});

test('the idempotent producer gets consecutive offsets', async () => {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const offsets: string[] = [];
  for (let i = 0; i < 5; i++) {
    const [meta] = await producer.send({ topic: 'idempotent', acks: -1, messages: [{ value: `i${i}` }, { value: `j${i}` }] });
    offsets.push(meta.baseOffset!);
  }
  await producer.disconnect();
  assert.deepEqual(offsets, ['0', '2', '4', '6', '8']);
  assert.deepEqual((await consumeAll('idempotent', 'idem-readers', 10)).map((m) => m.value).slice(0, 4), ['i0', 'j0', 'i1', 'j1']);
});

test('large record batches arrive intact', async () => {
  const producer = kafka.producer();
  await producer.connect();
  const payload = (i: number): string => `${i}:`.padEnd(2000, String.fromCharCode(97 + (i % 26)));
  for (let round = 0; round < 4; round++) {
    await producer.send({ topic: 'large', messages: Array.from({ length: 50 }, (_, i) => ({ value: payload(round * 50 + i) })) });
  }
  await producer.disconnect();
  const seen = await consumeAll('large', 'large-readers', 200);
  assert.deepEqual(seen.map((m) => m.value), Array.from({ length: 200 }, (_, i) => payload(i)));
});

test('gzip-compressed batches are stored and served as sent', async () => {
  const producer = kafka.producer();
  await producer.connect();
  const values = Array.from({ length: 30 }, (_, i) => `compressible-${i}-${'z'.repeat(200)}`);
  await producer.send({ topic: 'gzipped', compression: kafkajs.CompressionTypes.GZIP, messages: values.map((value) => ({ value })) });
  await producer.disconnect();
  assert.deepEqual((await consumeAll('gzipped', 'gzip-readers', 30)).map((m) => m.value), values);
});
