// Cross-checks the generated codecs against kafkajs' own encoders and decoders: requests kafkajs
// encodes decode to the same values here, and responses encoded here decode in kafkajs.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { encodeBatch } from '../../src/storage/record-batch.js';
import { decodeWith, encodeWith, loadCodec } from './support/message-schemas.js';

const require = createRequire(import.meta.url);
interface KafkajsRequest {
  request: { apiKey: number; apiVersion: number; encode(): Promise<{ buffer: Buffer }> };
  response: { decode(raw: Buffer): Promise<Record<string, unknown>> };
}
const { requests: kafkajs } = require('kafkajs/src/protocol/requests/index.js') as { requests: Record<
  string,
  { protocol(options: { version: number }): (args: Record<string, unknown>) => KafkajsRequest }
> };

function kafkajsApi(name: string, version: number, args: Record<string, unknown> = {}): KafkajsRequest {
  return kafkajs[name].protocol({ version })(args);
}

/** Encodes a request with kafkajs and decodes it with the generated codec. */
async function decodeKafkajsRequest(kafkajsName: string, message: string, version: number, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { request } = kafkajsApi(kafkajsName, version, args);
  assert.equal(request.apiVersion, version);
  const bytes = (await request.encode()).buffer;
  return decodeWith(await loadCodec(message), bytes, version) as Record<string, unknown>;
}

/** Encodes a response with the generated codec and decodes it with kafkajs. */
async function decodeInKafkajs(kafkajsName: string, message: string, version: number, value: unknown): Promise<Record<string, unknown>> {
  const bytes = encodeWith(await loadCodec(message), value, version);
  return kafkajsApi(kafkajsName, version).response.decode(bytes);
}

test('Metadata requests v0-v6 from kafkajs', async () => {
  for (let v = 0; v <= 6; v++) {
    const req = await decodeKafkajsRequest('Metadata', 'MetadataRequest', v, { topics: ['orders', 'audit'], allowAutoTopicCreation: true });
    assert.deepEqual((req.topics as { name: string }[]).map((t) => t.name), ['orders', 'audit'], `v${v}`);
    if (v >= 4) assert.equal(req.allowAutoTopicCreation, true);
  }
});

test('Produce requests v3 and v7 from kafkajs carry the record batch as raw bytes', async () => {
  for (const v of [3, 7]) {
    const req = await decodeKafkajsRequest('Produce', 'ProduceRequest', v, {
      acks: -1,
      timeout: 3000,
      topicData: [{ topic: 'orders', partitions: [{ partition: 2, messages: [{ key: 'k', value: 'hello' }] }] }],
    });
    assert.equal(req.acks, -1);
    assert.equal(req.timeoutMs, 3000);
    const topics = req.topicData as { name: string; partitionData: { index: number; records: Buffer }[] }[];
    assert.equal(topics[0].name, 'orders');
    assert.equal(topics[0].partitionData[0].index, 2);
    const records = topics[0].partitionData[0].records;
    assert.equal(records.readInt8(16), 2, 'magic byte of a v2 record batch');
    assert.ok(records.includes(Buffer.from('hello')));
  }
});

test('Fetch requests v4 and v11 from kafkajs', async () => {
  for (const v of [4, 11]) {
    const req = await decodeKafkajsRequest('Fetch', 'FetchRequest', v, {
      replicaId: -1,
      maxWaitTime: 500,
      minBytes: 1,
      maxBytes: 1024,
      isolationLevel: 1,
      topics: [{ topic: 'orders', partitions: [{ partition: 0, fetchOffset: '42', maxBytes: 2048 }] }],
    });
    assert.equal(req.maxWaitMs, 500);
    assert.equal(req.isolationLevel, 1);
    const topic = (req.topics as { topic: string; partitions: { partition: number; fetchOffset: bigint; partitionMaxBytes: number }[] }[])[0];
    assert.equal(topic.topic, 'orders');
    assert.equal(topic.partitions[0].fetchOffset, 42n);
    assert.equal(topic.partitions[0].partitionMaxBytes, 2048);
  }
});

test('group requests from kafkajs: JoinGroup v0-v5, SyncGroup v0-v3, Heartbeat, OffsetCommit, OffsetFetch', async () => {
  for (let v = 0; v <= 5; v++) {
    const req = await decodeKafkajsRequest('JoinGroup', 'JoinGroupRequest', v, {
      groupId: 'g1',
      sessionTimeout: 30000,
      rebalanceTimeout: 60000,
      memberId: '',
      protocolType: 'consumer',
      groupProtocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from([1, 2, 3]) }],
    });
    assert.equal(req.groupId, 'g1');
    assert.equal(req.sessionTimeoutMs, 30000);
    if (v >= 1) assert.equal(req.rebalanceTimeoutMs, 60000);
    assert.deepEqual(req.protocols, [{ name: 'RoundRobinAssigner', metadata: Buffer.from([1, 2, 3]) }]);
  }
  for (let v = 0; v <= 3; v++) {
    const req = await decodeKafkajsRequest('SyncGroup', 'SyncGroupRequest', v, {
      groupId: 'g1',
      generationId: 4,
      memberId: 'm-1',
      groupAssignment: [{ memberId: 'm-1', memberAssignment: Buffer.from([9]) }],
    });
    assert.deepEqual(req.assignments, [{ memberId: 'm-1', assignment: Buffer.from([9]) }]);
    assert.equal(req.generationId, 4);
  }
  const hb = await decodeKafkajsRequest('Heartbeat', 'HeartbeatRequest', 3, { groupId: 'g1', groupGenerationId: 7, memberId: 'm-1' });
  assert.deepEqual([hb.groupId, hb.generationId, hb.memberId], ['g1', 7, 'm-1']);
  for (const v of [2, 5]) {
    const req = await decodeKafkajsRequest('OffsetCommit', 'OffsetCommitRequest', v, {
      groupId: 'g1',
      groupGenerationId: 3,
      memberId: 'm-1',
      topics: [{ topic: 'orders', partitions: [{ partition: 1, offset: '17' }] }],
    });
    const topic = (req.topics as { name: string; partitions: { partitionIndex: number; committedOffset: bigint }[] }[])[0];
    assert.equal(topic.name, 'orders');
    assert.equal(topic.partitions[0].committedOffset, 17n);
  }
  const fetched = await decodeKafkajsRequest('OffsetFetch', 'OffsetFetchRequest', 3, { groupId: 'g1', topics: [{ topic: 'orders', partitions: [{ partition: 0 }] }] });
  assert.deepEqual(fetched.topics, [{ name: 'orders', partitionIndexes: [0] }]);
});

test('admin and transaction requests from kafkajs', async () => {
  const created = await decodeKafkajsRequest('CreateTopics', 'CreateTopicsRequest', 2, {
    topics: [{ topic: 'new-topic', numPartitions: 3, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: '1000' }] }],
    validateOnly: false,
    timeout: 5000,
  });
  const topic = (created.topics as { name: string; numPartitions: number; configs: { name: string; value: string }[] }[])[0];
  assert.deepEqual([topic.name, topic.numPartitions, topic.configs[0].name, topic.configs[0].value], ['new-topic', 3, 'retention.ms', '1000']);
  const init = await decodeKafkajsRequest('InitProducerId', 'InitProducerIdRequest', 1, { transactionalId: 'tx-1', transactionTimeout: 9000 });
  assert.deepEqual([init.transactionalId, init.transactionTimeoutMs], ['tx-1', 9000]);
  const end = await decodeKafkajsRequest('EndTxn', 'EndTxnRequest', 1, { transactionalId: 'tx-1', producerId: '5', producerEpoch: 2, transactionResult: true });
  assert.deepEqual([end.producerId, end.producerEpoch, end.committed], [5n, 2, true]);
});

test('responses encoded here decode in kafkajs: ApiVersions, Metadata, FindCoordinator, JoinGroup', async () => {
  for (let v = 0; v <= 2; v++) {
    const decoded = await decodeInKafkajs('ApiVersions', 'ApiVersionsResponse', v, { errorCode: 0, apiKeys: [{ apiKey: 3, minVersion: 0, maxVersion: 12 }], throttleTimeMs: 0 });
    assert.deepEqual(decoded.apiVersions, [{ apiKey: 3, minVersion: 0, maxVersion: 12 }]);
  }
  for (let v = 0; v <= 6; v++) {
    const decoded = await decodeInKafkajs('Metadata', 'MetadataResponse', v, {
      brokers: [{ nodeId: 0, host: '127.0.0.1', port: 9092, rack: null }],
      clusterId: 'c1',
      controllerId: 0,
      topics: [{ errorCode: 0, name: 'orders', isInternal: false, partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 0, leaderEpoch: 0, replicaNodes: [0], isrNodes: [0], offlineReplicas: [] }] }],
    });
    assert.deepEqual(decoded.brokers, v === 0 ? [{ nodeId: 0, host: '127.0.0.1', port: 9092 }] : [{ nodeId: 0, host: '127.0.0.1', port: 9092, rack: null }]);
    const topics = decoded.topicMetadata as { topic: string; partitionMetadata: { partitionId: number; leader: number }[] }[];
    assert.equal(topics[0].topic, 'orders');
    assert.equal(topics[0].partitionMetadata[0].leader, 0);
  }
  const coordinator = await decodeInKafkajs('GroupCoordinator', 'FindCoordinatorResponse', 2, { errorCode: 0, errorMessage: null, nodeId: 0, host: 'h', port: 1234, throttleTimeMs: 0 });
  assert.deepEqual(coordinator.coordinator, { nodeId: 0, host: 'h', port: 1234 });
  const joined = await decodeInKafkajs('JoinGroup', 'JoinGroupResponse', 2, {
    errorCode: 0,
    generationId: 1,
    protocolName: 'RoundRobinAssigner',
    leader: 'm-1',
    memberId: 'm-1',
    members: [{ memberId: 'm-1', metadata: Buffer.from([1]) }],
    throttleTimeMs: 0,
  });
  assert.deepEqual([joined.generationId, joined.groupProtocol, joined.leaderId], [1, 'RoundRobinAssigner', 'm-1']);
});

test('a Fetch v11 response with a stored record batch decodes in kafkajs', async () => {
  const batch = encodeBatch([{ key: Buffer.from('k'), value: Buffer.from('v1'), timestamp: 1000 }]);
  const decoded = await decodeInKafkajs('Fetch', 'FetchResponse', 11, {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [{ topic: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 1n, lastStableOffset: 1n, logStartOffset: 0n, abortedTransactions: null, preferredReadReplica: -1, records: batch }] }],
  });
  const partition = (decoded.responses as { partitions: { messages: { key: Buffer; value: Buffer }[] }[] }[])[0].partitions[0];
  assert.equal(partition.messages.length, 1);
  assert.equal(partition.messages[0].value.toString(), 'v1');
});

test('more requests from kafkajs: ListOffsets, DeleteTopics, CreatePartitions, configs, DeleteRecords, groups, transactions, SASL', async () => {
  for (let v = 0; v <= 3; v++) {
    const req = await decodeKafkajsRequest('ListOffsets', 'ListOffsetsRequest', v, { replicaId: -1, isolationLevel: 1, topics: [{ topic: 't', partitions: [{ partition: 3, timestamp: '-2' }] }] });
    const partition = (req.topics as { partitions: { partitionIndex: number; timestamp: bigint }[] }[])[0].partitions[0];
    assert.deepEqual([partition.partitionIndex, partition.timestamp], [3, -2n], `ListOffsets v${v}`);
    if (v >= 2) assert.equal(req.isolationLevel, 1);
  }
  const deleted = await decodeKafkajsRequest('DeleteTopics', 'DeleteTopicsRequest', 1, { topics: ['a', 'b'], timeout: 1000 });
  assert.deepEqual(deleted.topicNames, ['a', 'b']);
  const grown = await decodeKafkajsRequest('CreatePartitions', 'CreatePartitionsRequest', 1, { topicPartitions: [{ topic: 'a', count: 7 }], validateOnly: true, timeout: 1000 });
  assert.deepEqual([(grown.topics as { count: number }[])[0].count, grown.validateOnly], [7, true]);
  for (let v = 0; v <= 2; v++) {
    const described = await decodeKafkajsRequest('DescribeConfigs', 'DescribeConfigsRequest', v, { resources: [{ type: 2, name: 'a', configNames: ['retention.ms'] }], includeSynonyms: true });
    assert.deepEqual(described.resources, [{ resourceType: 2, resourceName: 'a', configurationKeys: ['retention.ms'] }]);
  }
  const altered = await decodeKafkajsRequest('AlterConfigs', 'AlterConfigsRequest', 1, { resources: [{ type: 2, name: 'a', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }], validateOnly: false });
  assert.deepEqual((altered.resources as { configs: unknown[] }[])[0].configs, [{ name: 'cleanup.policy', value: 'compact' }]);
  const trimmed = await decodeKafkajsRequest('DeleteRecords', 'DeleteRecordsRequest', 1, { topics: [{ topic: 'a', partitions: [{ partition: 0, offset: '12' }] }], timeout: 1000 });
  assert.deepEqual((trimmed.topics as { partitions: unknown[] }[])[0].partitions, [{ partitionIndex: 0, offset: 12n }]);
  const groups = await decodeKafkajsRequest('DescribeGroups', 'DescribeGroupsRequest', 2, { groupIds: ['g1', 'g2'] });
  assert.deepEqual(groups.groups, ['g1', 'g2']);
  const { request: deleteGroups } = kafkajs.DeleteGroups.protocol({ version: 1 })(['g1'] as unknown as Record<string, unknown>);
  assert.deepEqual(decodeWith(await loadCodec('DeleteGroupsRequest'), (await deleteGroups.encode()).buffer, 1), { groupsNames: ['g1'] });
  const left = await decodeKafkajsRequest('LeaveGroup', 'LeaveGroupRequest', 2, { groupId: 'g1', memberId: 'm-1' });
  assert.deepEqual([left.groupId, left.memberId], ['g1', 'm-1']);
  const added = await decodeKafkajsRequest('AddPartitionsToTxn', 'AddPartitionsToTxnRequest', 1, { transactionalId: 'tx', producerId: '7', producerEpoch: 1, topics: [{ topic: 'a', partitions: [0, 1] }] });
  assert.deepEqual([added.v3AndBelowTransactionalId, added.v3AndBelowProducerId, added.v3AndBelowTopics], ['tx', 7n, [{ name: 'a', partitions: [0, 1] }]]);
  const offsets = await decodeKafkajsRequest('AddOffsetsToTxn', 'AddOffsetsToTxnRequest', 1, { transactionalId: 'tx', producerId: '7', producerEpoch: 1, groupId: 'g1' });
  assert.equal(offsets.groupId, 'g1');
  const txnCommit = await decodeKafkajsRequest('TxnOffsetCommit', 'TxnOffsetCommitRequest', 1, { transactionalId: 'tx', groupId: 'g1', producerId: '7', producerEpoch: 1, topics: [{ topic: 'a', partitions: [{ partition: 0, offset: '5' }] }] });
  assert.equal((txnCommit.topics as { partitions: { committedOffset: bigint }[] }[])[0].partitions[0].committedOffset, 5n);
  const handshake = await decodeKafkajsRequest('SaslHandshake', 'SaslHandshakeRequest', 1, { mechanism: 'SCRAM-SHA-256' });
  assert.equal(handshake.mechanism, 'SCRAM-SHA-256');
  // kafkajs hands SaslAuthenticate its mechanism's bytes already length-prefixed.
  const auth = await decodeKafkajsRequest('SaslAuthenticate', 'SaslAuthenticateRequest', 1, { authBytes: Buffer.from('00000005746f6b656e', 'hex') });
  assert.deepEqual(auth.authBytes, Buffer.from('token'));
});

test('more responses decode in kafkajs: Produce, ListOffsets, SyncGroup, OffsetFetch, InitProducerId', async () => {
  const produced = await decodeInKafkajs('Produce', 'ProduceResponse', 7, {
    responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 41n, logAppendTimeMs: -1n, logStartOffset: 0n }] }],
    throttleTimeMs: 0,
  });
  assert.equal((produced.topics as { partitions: { baseOffset: string }[] }[])[0].partitions[0].baseOffset, '41');
  const listed = await decodeInKafkajs('ListOffsets', 'ListOffsetsResponse', 2, {
    throttleTimeMs: 0,
    topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, timestamp: -1n, offset: 9n }] }],
  });
  assert.equal((listed.responses as { partitions: { offset: string }[] }[])[0].partitions[0].offset, '9');
  const synced = await decodeInKafkajs('SyncGroup', 'SyncGroupResponse', 1, { throttleTimeMs: 0, errorCode: 0, assignment: Buffer.from([1, 2]) });
  assert.deepEqual(synced.memberAssignment, Buffer.from([1, 2]));
  const fetched = await decodeInKafkajs('OffsetFetch', 'OffsetFetchResponse', 3, {
    throttleTimeMs: 0,
    errorCode: 0,
    topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 17n, metadata: '', errorCode: 0 }] }],
  });
  assert.equal((fetched.responses as { partitions: { offset: string }[] }[])[0].partitions[0].offset, '17');
  const init = await decodeInKafkajs('InitProducerId', 'InitProducerIdResponse', 1, { throttleTimeMs: 0, errorCode: 0, producerId: 1234n, producerEpoch: 3 });
  assert.deepEqual([String(init.producerId), init.producerEpoch], ['1234', 3]);
});
