import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BrokerError } from '../../../src/core/errors.js';
import { kafkaCode, type StreamBroker } from '../../../src/core/streams/index.js';
import { batchOf, memoryBroker } from './helpers.js';

function str(s: string): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(s.length);
  return Buffer.concat([b, Buffer.from(s)]);
}

function int16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** Consumer protocol v0 subscription bytes, as Kafka clients send them in JoinGroup. */
function subscription(topics: string[]): Buffer {
  return Buffer.concat([int16(0), int32(topics.length), ...topics.map(str), int32(-1)]);
}

/** Consumer protocol v0 assignment bytes, as the leader sends them in SyncGroup. */
function assignment(parts: Record<string, number[]>): Buffer {
  const entries = Object.entries(parts);
  return Buffer.concat([int16(0), int32(entries.length), ...entries.flatMap(([t, ps]) => [str(t), int32(ps.length), ...ps.map(int32)]), int32(-1)]);
}

async function seed(broker: StreamBroker): Promise<void> {
  await broker.createTopic('events', 2);
  await broker.createTopic('audit', 1);
  for (let i = 0; i < 10; i++) await broker.produce('events', i % 2, batchOf([{ value: `e${i}`, timestamp: 1000 + i }]));
  for (let i = 0; i < 3; i++) await broker.produce('audit', 0, batchOf([{ value: `a${i}` }]));
  await broker.groups.offsetCommit({
    groupId: 'app',
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [
      { name: 'events', partitions: [{ partition: 0, offset: 2, leaderEpoch: -1, metadata: null }] },
      { name: 'audit', partitions: [{ partition: 0, offset: 3, leaderEpoch: -1, metadata: null }] },
    ],
  });
}

test('describeGroup shows members with decoded assignments, committed offsets, end offsets and lag', async () => {
  const { broker } = await memoryBroker();
  await seed(broker);
  const join = await broker.groups.joinGroup({
    groupId: 'app',
    memberId: '',
    groupInstanceId: null,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(['events']) }],
    clientId: 'svc',
    clientHost: '/10.0.0.1',
    requireKnownMemberId: false,
  });
  await broker.groups.syncGroup({
    groupId: 'app',
    generationId: join.generationId,
    memberId: join.memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: [{ memberId: join.memberId, assignment: assignment({ events: [0, 1] }) }],
  });
  const summary = broker.describeGroup('app');
  assert.deepEqual([summary.state, summary.protocol, summary.generationId], ['Stable', 'range', 1]);
  assert.deepEqual(summary.members.map((m) => [m.clientId, m.clientHost, m.assignment]), [['svc', '/10.0.0.1', [{ topic: 'events', partitions: [0, 1] }]]]);
  assert.deepEqual(summary.offsets, [
    { topic: 'audit', partition: 0, committedOffset: 3, logEndOffset: 3, lag: 0 },
    { topic: 'events', partition: 0, committedOffset: 2, logEndOffset: 5, lag: 3 },
    { topic: 'events', partition: 1, committedOffset: -1, logEndOffset: 5, lag: null },
  ]);
  const deleting = await broker.groups.offsetDelete('app', [{ name: 'events', partitions: [0] }, { name: 'audit', partitions: [0] }]);
  assert.deepEqual(deleting.topics.map((t) => t.partitions[0].errorCode), [kafkaCode('GROUP_SUBSCRIBED_TO_TOPIC'), 0]);
  await assert.rejects(broker.resetOffsets('app', 'events', { type: 'earliest' }, true), (e) => e instanceof BrokerError && e.errorName === 'NON_EMPTY_GROUP');
  assert.deepEqual(broker.listGroupSummaries().map((g) => g.groupId), ['app']);
  await broker.close();
});

test('resetOffsets plans without executing, then applies each kind of target clamped to the log', async () => {
  const { broker } = await memoryBroker();
  await seed(broker);
  const committed = (topic: string, partition: number) => broker.groups.offsetFetch('app', [{ name: topic, partitions: [partition] }]).topics[0].partitions[0].offset;
  const plan = await broker.resetOffsets('app', 'events', { type: 'earliest' }, false);
  assert.deepEqual(plan, [
    { topic: 'events', partition: 0, previousOffset: 2, newOffset: 0 },
    { topic: 'events', partition: 1, previousOffset: -1, newOffset: 0 },
  ]);
  assert.equal(committed('events', 0), 2, 'a dry run changes nothing');
  await broker.resetOffsets('app', 'events', { type: 'latest' }, true);
  assert.deepEqual([committed('events', 0), committed('events', 1)], [5, 5]);
  await broker.resetOffsets('app', 'events', { type: 'shiftBy', delta: -2 }, true);
  assert.deepEqual([committed('events', 0), committed('events', 1)], [3, 3]);
  await broker.resetOffsets('app', 'events', { type: 'offset', offset: 99 }, true);
  assert.equal(committed('events', 0), 5, 'clamped to the end');
  await broker.resetOffsets('app', 'events', { type: 'datetime', timestamp: 1004 }, true);
  assert.deepEqual([committed('events', 0), committed('events', 1)], [2, 2]);
  const all = await broker.resetOffsets('app', null, { type: 'earliest' }, true);
  assert.deepEqual(all.map((e) => `${e.topic}-${e.partition}`), ['audit-0', 'events-0', 'events-1']);
  assert.equal(committed('audit', 0), 0);
  await assert.rejects(broker.resetOffsets('app', 'missing', { type: 'earliest' }, true), (e) => e instanceof BrokerError && e.errorName === 'UNKNOWN_TOPIC_OR_PARTITION');
  await broker.close();
});
