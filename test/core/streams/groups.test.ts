import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { kafkaCode } from '../../../src/core/streams/index.js';
import { formGroup, joinRequest } from './group-fixtures.js';
import { FileBrokerDir, memoryBroker } from './helpers.js';

const code = kafkaCode;

test('three members join one generation; the leader sees every member and sync hands out its assignment', async () => {
  const { broker } = await memoryBroker();
  const { joins, leader, syncs } = await formGroup(broker, 3);
  assert.ok(joins.every((j) => j.errorCode === 0 && j.generationId === 1 && j.protocolName === 'range'));
  assert.equal(new Set(joins.map((j) => j.leader)).size, 1);
  assert.deepEqual(leader.members.map((m) => m.metadata.toString()).sort(), ['m0', 'm1', 'm2']);
  assert.ok(joins.filter((j) => j !== leader).every((j) => j.members.length === 0));
  syncs.forEach((s, i) => assert.equal(s.assignment.toString(), `for-${joins[i].memberId}`));
  assert.equal(broker.groups.describeGroups(['g'])[0].groupState, 'Stable');
  assert.equal(broker.groups.heartbeat({ groupId: 'g', generationId: 1, memberId: joins[0].memberId, groupInstanceId: null }).errorCode, 0);
  assert.equal(broker.groups.heartbeat({ groupId: 'g', generationId: 0, memberId: joins[0].memberId, groupInstanceId: null }).errorCode, code('ILLEGAL_GENERATION'));
  assert.equal(broker.groups.heartbeat({ groupId: 'g', generationId: 1, memberId: 'stranger', groupInstanceId: null }).errorCode, code('UNKNOWN_MEMBER_ID'));
  await broker.close();
});

test('a new member triggers a rebalance: heartbeats answer REBALANCE_IN_PROGRESS until everyone rejoins', async () => {
  const { broker } = await memoryBroker();
  const { joins } = await formGroup(broker, 2);
  const newcomer = broker.groups.joinGroup(joinRequest({ clientId: 'late' }));
  assert.equal(broker.groups.describeGroups(['g'])[0].groupState, 'PreparingRebalance');
  for (const j of joins) {
    assert.equal(broker.groups.heartbeat({ groupId: 'g', generationId: 1, memberId: j.memberId, groupInstanceId: null }).errorCode, code('REBALANCE_IN_PROGRESS'));
  }
  const stale = await broker.groups.syncGroup({ groupId: 'g', generationId: 1, memberId: joins[0].memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
  assert.equal(stale.errorCode, code('REBALANCE_IN_PROGRESS'));
  const rejoins = await Promise.all([newcomer, ...joins.map((j) => broker.groups.joinGroup(joinRequest({ memberId: j.memberId })))]);
  assert.ok(rejoins.every((r) => r.errorCode === 0 && r.generationId === 2));
  assert.equal(rejoins.find((r) => r.memberId === r.leader)?.members.length, 3);
  await broker.close();
});

test('a member that stops heartbeating is removed after its session timeout and the others rebalance', async () => {
  const { broker } = await memoryBroker();
  const { joins } = await formGroup(broker, 2, { sessionTimeoutMs: 150 });
  const [survivor, quitter] = joins;
  // Keep the survivor alive while the quitter falls silent.
  let phase = 'stable';
  for (let i = 0; i < 40 && phase === 'stable'; i++) {
    await sleep(25);
    const hb = broker.groups.heartbeat({ groupId: 'g', generationId: 1, memberId: survivor.memberId, groupInstanceId: null });
    if (hb.errorCode === code('REBALANCE_IN_PROGRESS')) phase = 'rebalancing';
  }
  assert.equal(phase, 'rebalancing');
  const rejoin = await broker.groups.joinGroup(joinRequest({ memberId: survivor.memberId, sessionTimeoutMs: 150 }));
  assert.deepEqual([rejoin.errorCode, rejoin.generationId, rejoin.leader, rejoin.members.length], [0, 2, survivor.memberId, 1]);
  assert.equal(broker.groups.heartbeat({ groupId: 'g', generationId: 1, memberId: quitter.memberId, groupInstanceId: null }).errorCode, code('UNKNOWN_MEMBER_ID'));
  await broker.close();
});

test('members that do not rejoin within the rebalance timeout are dropped from the next generation', async () => {
  const { broker } = await memoryBroker();
  const { joins } = await formGroup(broker, 2, { rebalanceTimeoutMs: 100 });
  const result = await broker.groups.joinGroup(joinRequest({ memberId: joins[1].memberId, rebalanceTimeoutMs: 100 }));
  assert.deepEqual([result.errorCode, result.generationId, result.leader, result.members.length], [0, 2, joins[1].memberId, 1]);
  await broker.close();
});

test('JoinGroup v4+ first answers MEMBER_ID_REQUIRED with the id to rejoin with', async () => {
  const { broker } = await memoryBroker();
  const first = await broker.groups.joinGroup(joinRequest({ requireKnownMemberId: true }));
  assert.equal(first.errorCode, code('MEMBER_ID_REQUIRED'));
  assert.ok(first.memberId.startsWith('client-'));
  const second = await broker.groups.joinGroup(joinRequest({ requireKnownMemberId: true, memberId: first.memberId }));
  assert.deepEqual([second.errorCode, second.memberId, second.leader], [0, first.memberId, first.memberId]);
  await broker.close();
});

test('a static member rejoining with a new incarnation keeps its assignment without a rebalance', async () => {
  const { broker } = await memoryBroker();
  const a = await formGroup(broker, 1, { groupInstanceId: 'instance-a' });
  const first = a.joins[0];
  const again = await broker.groups.joinGroup(joinRequest({ groupInstanceId: 'instance-a', protocols: [{ name: 'range', metadata: Buffer.from('m0') }], clientId: 'c0' }));
  assert.equal(again.errorCode, 0);
  assert.notEqual(again.memberId, first.memberId);
  assert.equal(again.generationId, first.generationId);
  const sync = await broker.groups.syncGroup({ groupId: 'g', generationId: again.generationId, memberId: again.memberId, groupInstanceId: 'instance-a', protocolType: null, protocolName: null, assignments: [] });
  assert.equal(sync.assignment.toString(), `for-${first.memberId}`);
  const fenced = broker.groups.heartbeat({ groupId: 'g', generationId: first.generationId, memberId: first.memberId, groupInstanceId: 'instance-a' });
  assert.equal(fenced.errorCode, code('FENCED_INSTANCE_ID'));
  await broker.close();
});

test('join validation: session timeout bounds, protocol mismatch, unknown member', async () => {
  const { broker } = await memoryBroker({ groupMaxSessionTimeoutMs: 60_000 });
  assert.equal((await broker.groups.joinGroup(joinRequest({ sessionTimeoutMs: 5 }))).errorCode, code('INVALID_SESSION_TIMEOUT'));
  assert.equal((await broker.groups.joinGroup(joinRequest({ sessionTimeoutMs: 120_000 }))).errorCode, code('INVALID_SESSION_TIMEOUT'));
  assert.equal((await broker.groups.joinGroup(joinRequest({ memberId: 'ghost' }))).errorCode, code('UNKNOWN_MEMBER_ID'));
  await formGroup(broker, 1);
  const other = await broker.groups.joinGroup(joinRequest({ protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }] }));
  assert.equal(other.errorCode, code('INCONSISTENT_GROUP_PROTOCOL'));
  await broker.close();
});

test('leaving empties the group; describe, list and delete groups', async () => {
  const { broker } = await memoryBroker();
  const { joins } = await formGroup(broker, 1);
  const described = broker.groups.describeGroups(['g', 'unknown'])[0];
  assert.deepEqual([described.groupState, described.protocolData, described.members.length], ['Stable', 'range', 1]);
  assert.equal(described.members[0].memberAssignment.toString(), `for-${joins[0].memberId}`);
  assert.equal(broker.groups.describeGroups(['unknown'])[0].groupState, 'Dead');
  assert.deepEqual(await broker.groups.deleteGroups(['g']), [{ groupId: 'g', errorCode: code('NON_EMPTY_GROUP') }]);
  const left = broker.groups.leaveGroup('g', [{ memberId: joins[0].memberId, groupInstanceId: null }]);
  assert.equal(left.errorCode, 0);
  assert.deepEqual(broker.groups.listGroups(), [{ groupId: 'g', protocolType: 'consumer', groupState: 'Empty' }]);
  assert.deepEqual(broker.groups.listGroups(['Stable']), []);
  assert.deepEqual(await broker.groups.deleteGroups(['g', 'unknown']), [
    { groupId: 'g', errorCode: 0 },
    { groupId: 'unknown', errorCode: code('GROUP_ID_NOT_FOUND') },
  ]);
  assert.deepEqual(broker.groups.listGroups(), []);
  await broker.close();
});

test('offset commits check generation and member, and OffsetFetch/OffsetDelete answer per partition', async () => {
  const { broker } = await memoryBroker();
  await broker.createTopic('t', 2);
  const { joins } = await formGroup(broker, 1);
  const member = joins[0].memberId;
  const commit = (generationId: number, memberId: string, partition = 0) =>
    broker.groups.offsetCommit({ groupId: 'g', generationId, memberId, groupInstanceId: null, topics: [{ name: 't', partitions: [{ partition, offset: 42, leaderEpoch: 3, metadata: 'md' }] }] });
  assert.deepEqual(await commit(1, member), [{ name: 't', partitions: [{ partition: 0, errorCode: 0 }] }]);
  assert.equal((await commit(7, member))[0].partitions[0].errorCode, code('ILLEGAL_GENERATION'));
  assert.equal((await commit(1, 'ghost'))[0].partitions[0].errorCode, code('UNKNOWN_MEMBER_ID'));
  assert.equal((await commit(1, member, 9))[0].partitions[0].errorCode, code('UNKNOWN_TOPIC_OR_PARTITION'));
  const fetched = broker.groups.offsetFetch('g', [{ name: 't', partitions: [0, 1] }]);
  assert.deepEqual(fetched.topics[0].partitions, [
    { partition: 0, offset: 42, leaderEpoch: 3, metadata: 'md', errorCode: 0 },
    { partition: 1, offset: -1, leaderEpoch: -1, metadata: '', errorCode: 0 },
  ]);
  assert.deepEqual(broker.groups.offsetFetch('g', null).topics.map((t) => [t.name, t.partitions.length]), [['t', 1]]);
  const subscribed = await broker.groups.offsetDelete('g', [{ name: 't', partitions: [0] }]);
  assert.equal(subscribed.topics[0].partitions[0].errorCode, 0, 'the member subscription bytes are not a consumer subscription of t');
  assert.equal(broker.groups.offsetFetch('g', [{ name: 't', partitions: [0] }]).topics[0].partitions[0].offset, -1);
  await broker.close();
});

test('committed offsets survive a restart, and expire once the group has been empty past retention', async () => {
  const dir = await FileBrokerDir.create();
  try {
    let broker = await dir.open({ offsetsRetentionMs: 60_000 });
    await broker.createTopic('t', 1);
    await broker.groups.offsetCommit({ groupId: 'standalone', generationId: -1, memberId: '', groupInstanceId: null, topics: [{ name: 't', partitions: [{ partition: 0, offset: 7, leaderEpoch: -1, metadata: null }] }] });
    await dir.stop(broker);
    broker = await dir.open({ offsetsRetentionMs: 60_000 });
    assert.equal(broker.groups.offsetFetch('standalone', [{ name: 't', partitions: [0] }]).topics[0].partitions[0].offset, 7);
    await broker.groups.expireOffsets(Date.now() + 30_000);
    assert.equal(broker.groups.offsetFetch('standalone', null).topics.length, 1);
    await broker.groups.expireOffsets(Date.now() + 61_000);
    assert.equal(broker.groups.offsetFetch('standalone', null).topics.length, 0);
    await dir.stop(broker);
    broker = await dir.open();
    assert.equal(broker.groups.offsetFetch('standalone', null).topics.length, 0);
    await dir.stop(broker);
  } finally {
    await dir.remove();
  }
});

test('LeaveGroup answers as Kafka v3+ does: group-wide errors alone, else NONE with each member its own error', async () => {
  const { broker } = await memoryBroker();
  const { joins } = await formGroup(broker, 2);
  const ghost = { memberId: 'ghost', groupInstanceId: null };
  assert.deepEqual(broker.groups.leaveGroup('nobody', [ghost]), { errorCode: 0, members: [{ ...ghost, errorCode: code('UNKNOWN_MEMBER_ID') }] });
  assert.deepEqual(broker.groups.leaveGroup('', [ghost]), { errorCode: code('INVALID_GROUP_ID'), members: [] });
  const member = { memberId: joins[0].memberId, groupInstanceId: null };
  assert.deepEqual(broker.groups.leaveGroup('g', [member, ghost]), {
    errorCode: 0,
    members: [
      { ...member, errorCode: 0 },
      { ...ghost, errorCode: code('UNKNOWN_MEMBER_ID') },
    ],
  });
  assert.equal(broker.groups.describeGroups(['g'])[0].members.length, 1);
  await broker.close();
});
