// kafkajs admin: topics created, grown, configured, trimmed and deleted; cluster and groups described.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import { kafkajsClient, startKafkaBroker, type KafkaTestBroker } from './kafka-support/broker.js';

const { ConfigResourceTypes } = kafkajs;
let broker: KafkaTestBroker;
let kafka: Kafka;
let admin: Admin;

before(async () => {
  broker = await startKafkaBroker();
  kafka = kafkajsClient(broker.brokers);
  admin = kafka.admin();
  await admin.connect();
});
after(async () => {
  await admin.disconnect();
  await broker.close();
});

test('create, list, describe and delete topics', async () => {
  assert.equal(await admin.createTopics({ topics: [{ topic: 'alpha', numPartitions: 3 }, { topic: 'beta' }] }), true);
  assert.equal(await admin.createTopics({ topics: [{ topic: 'alpha', numPartitions: 3 }] }), false, 'already exists');
  assert.deepEqual((await admin.listTopics()).filter((t) => !t.startsWith('__')).sort(), ['alpha', 'beta']);
  const { topics } = await admin.fetchTopicMetadata({ topics: ['alpha'] });
  assert.deepEqual(topics[0].partitions.map((p) => [p.partitionId, p.leader]).sort(), [[0, 0], [1, 0], [2, 0]]);

  await admin.createPartitions({ topicPartitions: [{ topic: 'alpha', count: 5 }] });
  assert.equal((await admin.fetchTopicMetadata({ topics: ['alpha'] })).topics[0].partitions.length, 5);

  await admin.deleteTopics({ topics: ['beta'] });
  assert.deepEqual((await admin.listTopics()).filter((t) => !t.startsWith('__')), ['alpha']);
});

test('an invalid replication factor and an invalid topic name are refused', async () => {
  const refusedWith = (type: string) => (err: { errors?: { type: string }[] }) => err.errors?.[0]?.type === type;
  await assert.rejects(admin.createTopics({ topics: [{ topic: 'triple', replicationFactor: 3 }] }), refusedWith('INVALID_REPLICATION_FACTOR'));
  await assert.rejects(admin.createTopics({ topics: [{ topic: 'bad name!' }] }), refusedWith('INVALID_TOPIC_EXCEPTION'));
});

test('describe and alter topic configs', async () => {
  await admin.createTopics({ topics: [{ topic: 'configured', configEntries: [{ name: 'retention.ms', value: '60000' }] }] });
  const describe = async (): Promise<Map<string, string>> => {
    const { resources } = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'configured' }], includeSynonyms: false });
    return new Map(resources[0].configEntries.map((e) => [e.configName, e.configValue]));
  };
  assert.equal((await describe()).get('retention.ms'), '60000');
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'configured', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] });
  const after = await describe();
  assert.equal(after.get('cleanup.policy'), 'compact');
});

test('delete records moves the low watermark', async () => {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'trimmed', messages: Array.from({ length: 5 }, (_, i) => ({ value: `v${i}` })) });
  await producer.disconnect();
  // kafkajs looks up partition leaders before loading the topic's metadata, so load it first.
  await admin.fetchTopicMetadata({ topics: ['trimmed'] });
  await admin.deleteTopicRecords({ topic: 'trimmed', partitions: [{ partition: 0, offset: '3' }] });
  const [offsets] = await admin.fetchTopicOffsets('trimmed');
  assert.deepEqual([offsets.low, offsets.high], ['3', '5']);
});

test('describe cluster, list and delete groups', async () => {
  const cluster = await admin.describeCluster();
  assert.deepEqual(cluster.brokers.map((b) => `${b.host}:${b.port}`), broker.brokers);
  assert.equal(cluster.controller, 0);

  const consumer = kafka.consumer({ groupId: 'short-lived', maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'alpha', fromBeginning: true });
  await consumer.run({ eachMessage: async () => {} });
  const deadline = Date.now() + 15_000;
  while ((await admin.describeGroups(['short-lived'])).groups[0].state !== 'Stable') {
    assert.ok(Date.now() < deadline, 'group becomes stable');
    await new Promise((r) => setTimeout(r, 100));
  }
  const [described] = (await admin.describeGroups(['short-lived'])).groups;
  assert.deepEqual(described.members.map((m) => [m.clientId, m.clientHost]), [['switchyard-test', '/127.0.0.1']]);
  assert.equal(described.protocolType, 'consumer');
  assert.ok((await admin.listGroups()).groups.some((g) => g.groupId === 'short-lived'));
  await assert.rejects(admin.deleteGroups(['short-lived']), (err: { groups?: { error: { type: string } }[] }) => err.groups?.[0]?.error.type === 'NON_EMPTY_GROUP');
  await consumer.disconnect();
  const [deleted] = await admin.deleteGroups(['short-lived']);
  assert.equal(deleted.errorCode, 0);
});
