// The Kafka listener over real sockets: pipelining and response order, acks=0, long-poll fetch,
// flexible headers, and the ApiVersions advertisement.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { StreamBroker } from '../../src/core/streams/index.js';
import type { ProtocolListener } from '../../src/core/listener.js';
import { KAFKA_APIS, type ApiInfo } from '../../src/kafka/codec/generated/api-keys.js';
import { startKafkaServer } from '../../src/kafka/server.js';
import { encodeBatch } from '../../src/storage/record-batch.js';
import { MemoryLogStore } from '../../src/storage/memory-store.js';
import { RawKafkaClient } from './support/raw-client.js';

let store: MemoryLogStore;
let streams: StreamBroker;
let listener: ProtocolListener;
let address: string;

before(async () => {
  store = new MemoryLogStore();
  streams = await StreamBroker.open(store);
  listener = await startKafkaServer(streams, { host: '127.0.0.1', port: 0 });
  address = `127.0.0.1:${listener.address.port}`;
});
after(async () => {
  await listener.close();
  await streams.close();
  await store.close();
});

const batch = (value: string): Buffer => encodeBatch([{ key: null, value: Buffer.from(value) }]);
const produceBody = (topic: string, acks: number, value: string) => ({
  transactionalId: null,
  acks,
  timeoutMs: 1000,
  topicData: [{ name: topic, partitionData: [{ index: 0, records: batch(value) }] }],
});
const fetchBody = (topic: string, offset: bigint, maxWaitMs: number) => ({
  replicaId: -1,
  maxWaitMs,
  minBytes: 1,
  maxBytes: 1 << 20,
  isolationLevel: 0,
  topics: [{ topic, partitions: [{ partition: 0, fetchOffset: offset, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
  forgottenTopicsData: [],
});

test('pipelined requests are answered in request order', async () => {
  const client = await RawKafkaClient.connect(address);
  client.write(
    await client.encode('ApiVersions', 0, 1, {}),
    await client.encode('Metadata', 1, 2, { topics: null }),
    await client.encode('ApiVersions', 3, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' }),
    await client.encode('Metadata', 9, 4, { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }),
  );
  const ids = [];
  for (let i = 0; i < 4; i++) ids.push((await client.next()).correlationId);
  assert.deepEqual(ids, [1, 2, 3, 4]);
  client.close();
});

test('ApiVersions advertises each served API once, with ranges inside what the codecs cover', async () => {
  const client = await RawKafkaClient.connect(address);
  client.write(await client.encode('ApiVersions', 3, 1, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' }));
  const { body } = await client.next();
  const keys = body.apiKeys as { apiKey: number; minVersion: number; maxVersion: number }[];
  const byKey = new Map<number, ApiInfo>(Object.values(KAFKA_APIS).map((a) => [a.apiKey, a]));
  assert.equal(new Set(keys.map((k) => k.apiKey)).size, keys.length);
  for (const k of keys) {
    const codec = byKey.get(k.apiKey);
    assert.ok(codec, `api ${k.apiKey} has a codec`);
    assert.ok(k.minVersion >= codec.minVersion && k.maxVersion <= codec.maxVersion && k.minVersion <= k.maxVersion);
  }
  assert.ok(!keys.some((k) => k.apiKey === KAFKA_APIS.SaslHandshake.apiKey), 'no SASL on a listener without users');
  client.close();
});

test('Produce with acks=0 gets no response; the records are stored', async () => {
  const client = await RawKafkaClient.connect(address);
  client.write(await client.encode('Produce', 7, 10, produceBody('fire-and-forget', 0, 'quiet')), await client.encode('ApiVersions', 0, 11, {}));
  assert.equal((await client.next()).correlationId, 11);
  const end = await streams.listOffsets('fire-and-forget', 0, -1);
  assert.equal(end.offset, 1);
  client.close();
});

test('a long-poll fetch answers when data arrives, and later requests wait behind it', async () => {
  const consumer = await RawKafkaClient.connect(address);
  const producer = await RawKafkaClient.connect(address);
  producer.write(await producer.encode('Metadata', 4, 1, { topics: [{ name: 'long-poll' }], allowAutoTopicCreation: true }));
  await producer.next();
  consumer.write(await consumer.encode('Fetch', 11, 20, fetchBody('long-poll', 0n, 30_000)), await consumer.encode('ApiVersions', 0, 21, {}));
  producer.write(await producer.encode('Produce', 7, 2, produceBody('long-poll', -1, 'wake-up')));
  const produced = await producer.next();
  assert.equal(produced.correlationId, 2);
  const fetched = await consumer.next();
  assert.equal(fetched.correlationId, 20, 'the fetch is answered first');
  const partition = (fetched.body.responses as { partitions: { errorCode: number; highWatermark: bigint; records: Buffer }[] }[])[0].partitions[0];
  assert.equal(partition.errorCode, 0);
  assert.equal(partition.highWatermark, 1n);
  assert.ok(partition.records.includes(Buffer.from('wake-up')));
  assert.equal((await consumer.next()).correlationId, 21);
  consumer.close();
  producer.close();
});

test('flexible requests use header v2 and flexible responses header v1', async () => {
  const client = await RawKafkaClient.connect(address);
  client.write(await client.encode('Metadata', 12, 5, { topics: [{ topicId: '0'.repeat(32), name: 'flexible-topic' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false }));
  const { body } = await client.next();
  const topics = body.topics as { name: string; errorCode: number; topicId: string; partitions: unknown[] }[];
  assert.equal(topics[0].name, 'flexible-topic');
  assert.equal(topics[0].errorCode, 0);
  assert.notEqual(topics[0].topicId, '0'.repeat(32));
  assert.equal(topics[0].partitions.length, 1);
  client.close();
});

test('closing the listener ends connections held by long polls', async () => {
  await streams.createTopic('quiet-topic', 1);
  const local = await startKafkaServer(streams, { host: '127.0.0.1', port: 0 });
  const client = await RawKafkaClient.connect(`127.0.0.1:${local.address.port}`);
  client.write(await client.encode('Fetch', 11, 1, fetchBody('quiet-topic', 0n, 60_000)));
  await new Promise((r) => setTimeout(r, 100));
  await local.close();
  await assert.rejects(client.next(), /connection closed/);
});

test('Fetch v13+ names topics by id', async () => {
  const client = await RawKafkaClient.connect(address);
  client.write(await client.encode('Metadata', 12, 1, { topics: [{ topicId: '0'.repeat(32), name: 'by-id' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false }));
  const topicId = ((await client.next()).body.topics as { topicId: string }[])[0].topicId;
  client.write(await client.encode('Produce', 9, 2, produceBody('by-id', -1, 'identified')));
  await client.next();
  const body = { ...fetchBody('', 0n, 0), topics: [topicId, 'f'.repeat(32)].map((id) => ({ topicId: id, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] })) };
  client.write(await client.encode('Fetch', 13, 3, body));
  const responses = (await client.next()).body.responses as { topicId: string; partitions: { errorCode: number; records: Buffer | null }[] }[];
  assert.equal(responses[0].topicId, topicId);
  assert.ok(responses[0].partitions[0].records?.includes(Buffer.from('identified')));
  assert.equal(responses[1].partitions[0].errorCode, 100, 'UNKNOWN_TOPIC_ID');
  client.close();
});

test('malformed record batches are refused per partition; the connection keeps working', async () => {
  const client = await RawKafkaClient.connect(address);
  const valid = batch('intact');
  const corrupted = Buffer.from(valid);
  corrupted[corrupted.length - 1] ^= 0xff;
  const truncated = valid.subarray(0, 30);
  const garbage = Buffer.from('definitely not a record batch, but long enough to look like one at first glance');
  let correlationId = 100;
  for (const records of [corrupted, truncated, garbage]) {
    const body = { ...produceBody('strict', -1, 'x'), topicData: [{ name: 'strict', partitionData: [{ index: 0, records }] }] };
    client.write(await client.encode('Produce', 7, ++correlationId, body));
    const response = await client.next();
    const partition = (response.body.responses as { partitionResponses: { errorCode: number }[] }[])[0].partitionResponses[0];
    assert.notEqual(partition.errorCode, 0, `refused: ${records.subarray(0, 8).toString('hex')}`);
  }
  client.write(await client.encode('Produce', 7, ++correlationId, produceBody('strict', -1, 'intact')));
  const accepted = (await client.next()).body.responses as { partitionResponses: { errorCode: number; baseOffset: bigint }[] }[];
  assert.deepEqual([accepted[0].partitionResponses[0].errorCode, accepted[0].partitionResponses[0].baseOffset], [0, 0n]);
  client.close();
});

test('ListOffsets v9 answers latest, earliest, max-timestamp, earliest-local and latest-tiered', async () => {
  await streams.createTopic('offsets-v9', 1);
  for (const [i, ts] of [1000, 3000, 2000].entries()) {
    await streams.produce('offsets-v9', 0, encodeBatch([{ key: null, value: Buffer.from(`m${i}`), timestamp: ts }]));
  }
  const client = await RawKafkaClient.connect(address);
  const specials = [-1n, -2n, -3n, -4n, -5n];
  const body = { replicaId: -1, isolationLevel: 0, timeoutMs: 1000, topics: [{ name: 'offsets-v9', partitions: specials.map((timestamp) => ({ partitionIndex: 0, currentLeaderEpoch: -1, timestamp })) }] };
  client.write(await client.encode('ListOffsets', 9, 1, body));
  const partitions = ((await client.next()).body.topics as { partitions: { errorCode: number; offset: bigint; timestamp: bigint }[] }[])[0].partitions;
  assert.deepEqual(
    partitions.map((p) => [p.errorCode, p.offset]),
    [
      [0, 3n],
      [0, 0n],
      [0, 1n],
      [0, 0n],
      [0, -1n],
    ],
  );
  assert.equal(partitions[2].timestamp, 3000n, 'the record with the largest timestamp');
  client.close();
});

test('Metadata v12 by topic id: known ids are named, unknown ids get UNKNOWN_TOPIC_ID', async () => {
  const created = await streams.createTopic('id-lookup', 2);
  const knownId = created.topicId.replace(/-/g, '');
  const client = await RawKafkaClient.connect(address);
  const body = { topics: [{ topicId: 'e'.repeat(32), name: null }, { topicId: knownId, name: null }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false };
  client.write(await client.encode('Metadata', 12, 1, body));
  const topics = (await client.next()).body.topics as { errorCode: number; name: string | null; topicId: string; partitions: unknown[] }[];
  assert.deepEqual(topics.map((t) => [t.errorCode, t.name, t.topicId, t.partitions.length]), [
    [100, null, 'e'.repeat(32), 0],
    [0, 'id-lookup', knownId, 2],
  ]);
  client.close();
});
