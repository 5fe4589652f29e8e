// Consumer group metadata across a broker restart over a file store: restored groups keep their
// generation, members and assignments, restored members keep working or expire like live ones.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { kafkaCode, type StreamBroker, type StreamBrokerOptions } from '../../../src/core/streams/index.js';
import { formGroup, joinRequest } from './group-fixtures.js';
import { FileBrokerDir } from './helpers.js';

const code = kafkaCode;

/** Runs `body` with a broker over a fresh data directory and a way to restart it (close and reopen the store). */
async function withRestarts(body: (first: StreamBroker, restart: (options?: StreamBrokerOptions) => Promise<StreamBroker>) => Promise<StreamBroker>): Promise<void> {
  const dir = await FileBrokerDir.create();
  let broker = await dir.open();
  try {
    broker = await body(broker, async (options) => {
      await dir.stop(broker);
      broker = await dir.open(options);
      return broker;
    });
  } finally {
    await dir.stop(broker);
    await dir.remove();
  }
}

function commitOne(broker: StreamBroker, generationId: number, memberId: string, offset: number) {
  return broker.groups.offsetCommit({ groupId: 'g', generationId, memberId, groupInstanceId: null, topics: [{ name: 't', partitions: [{ partition: 0, offset, leaderEpoch: -1, metadata: null }] }] });
}

test('a restored group is Stable with its generation, members and assignments; heartbeat, sync, rejoin and commit work as before', async () => {
  await withRestarts(async (first, restart) => {
    await first.createTopic('t', 1);
    const { joins, leader } = await formGroup(first, 2);
    const follower = joins.find((j) => j !== leader)!;
    const broker = await restart();
    const [described] = broker.groups.describeGroups(['g']);
    assert.deepEqual([described.groupState, described.protocolType, described.protocolData], ['Stable', 'consumer', 'range']);
    assert.deepEqual(
      described.members.map((m) => [m.memberId, m.clientId, m.memberAssignment.toString()]).sort(),
      joins.map((j, i) => [j.memberId, `c${i}`, `for-${j.memberId}`]).sort(),
    );
    for (const j of joins) assert.equal(broker.groups.heartbeat({ groupId: 'g', generationId: 1, memberId: j.memberId, groupInstanceId: null }).errorCode, 0);
    assert.equal(broker.groups.heartbeat({ groupId: 'g', generationId: 2, memberId: leader.memberId, groupInstanceId: null }).errorCode, code('ILLEGAL_GENERATION'));
    assert.deepEqual(await commitOne(broker, 1, follower.memberId, 5), [{ name: 't', partitions: [{ partition: 0, errorCode: 0 }] }]);
    const sync = await broker.groups.syncGroup({ groupId: 'g', generationId: 1, memberId: follower.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] });
    assert.deepEqual([sync.errorCode, sync.assignment.toString()], [0, `for-${follower.memberId}`]);
    const metadata = Buffer.from(`m${joins.indexOf(follower)}`);
    const rejoin = await broker.groups.joinGroup(joinRequest({ memberId: follower.memberId, clientId: 'c1', protocols: [{ name: 'range', metadata }] }));
    assert.deepEqual([rejoin.errorCode, rejoin.generationId, rejoin.leader], [0, 1, leader.memberId], 'an unchanged follower rejoins the stored generation');
    return broker;
  });
});

test('a restored member that never comes back expires after its session timeout; the next generation is stored', async () => {
  await withRestarts(async (first, restart) => {
    // The survivor's long session timeout keeps it alive even if the test process stalls; the quitter's short one expires.
    const { joins } = await formGroup(first, 2, {}, (i) => ({ clientId: i === 0 ? 'survivor' : 'quitter', sessionTimeoutMs: i === 0 ? 30_000 : 150 }));
    const [survivor, quitter] = joins;
    let broker = await restart();
    let hb = 0;
    for (let i = 0; i < 40 && hb === 0; i++) {
      await sleep(25);
      hb = broker.groups.heartbeat({ groupId: 'g', generationId: 1, memberId: survivor.memberId, groupInstanceId: null }).errorCode;
    }
    assert.equal(hb, code('REBALANCE_IN_PROGRESS'), 'the silent restored member expired and the group rebalances');
    const rejoin = await broker.groups.joinGroup(joinRequest({ memberId: survivor.memberId, clientId: 'survivor', sessionTimeoutMs: 30_000 }));
    assert.deepEqual([rejoin.errorCode, rejoin.generationId, rejoin.members.map((m) => m.memberId)], [0, 2, [survivor.memberId]]);
    const sync = await broker.groups.syncGroup({ groupId: 'g', generationId: 2, memberId: survivor.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId: survivor.memberId, assignment: Buffer.from('all') }] });
    assert.equal(sync.assignment.toString(), 'all');
    broker = await restart();
    const [described] = broker.groups.describeGroups(['g']);
    assert.deepEqual([described.groupState, described.members.map((m) => [m.memberId, m.memberAssignment.toString()])], ['Stable', [[survivor.memberId, 'all']]]);
    assert.equal(broker.groups.heartbeat({ groupId: 'g', generationId: 1, memberId: quitter.memberId, groupInstanceId: null }).errorCode, code('UNKNOWN_MEMBER_ID'));
    assert.equal(broker.groups.heartbeat({ groupId: 'g', generationId: 2, memberId: survivor.memberId, groupInstanceId: null }).errorCode, 0);
    return broker;
  });
});

test('restored members can leave; the empty group keeps its generation across the next restart', async () => {
  await withRestarts(async (first, restart) => {
    await first.createTopic('t', 1);
    const { joins } = await formGroup(first, 2);
    let broker = await restart();
    const left = broker.groups.leaveGroup('g', joins.map((j) => ({ memberId: j.memberId, groupInstanceId: null })));
    assert.deepEqual(left, { errorCode: 0, members: joins.map((j) => ({ memberId: j.memberId, groupInstanceId: null, errorCode: 0 })) });
    assert.equal(broker.groups.stateOf('g'), 'Empty');
    assert.deepEqual(await commitOne(broker, -1, '', 9), [{ name: 't', partitions: [{ partition: 0, errorCode: 0 }] }], 'an empty group takes standalone commits');
    broker = await restart();
    assert.deepEqual(broker.groups.listGroups(), [{ groupId: 'g', protocolType: 'consumer', groupState: 'Empty' }]);
    assert.equal(broker.groups.heartbeat({ groupId: 'g', generationId: 1, memberId: joins[0].memberId, groupInstanceId: null }).errorCode, code('UNKNOWN_MEMBER_ID'));
    const next = await formGroup(broker, 1);
    assert.equal(next.joins[0].generationId, 3, 'generations keep counting: 1 formed, 2 emptied, 3 formed again');
    return broker;
  });
});

test('a restored static member keeps its instance id: a stale incarnation is fenced and a new one takes its place', async () => {
  await withRestarts(async (first, restart) => {
    const { joins } = await formGroup(first, 1, { groupInstanceId: 'instance-a' });
    const broker = await restart();
    const stale = broker.groups.heartbeat({ groupId: 'g', generationId: 1, memberId: 'instance-a-old', groupInstanceId: 'instance-a' });
    assert.equal(stale.errorCode, code('FENCED_INSTANCE_ID'));
    const again = await broker.groups.joinGroup(joinRequest({ groupInstanceId: 'instance-a', protocols: [{ name: 'range', metadata: Buffer.from('m0') }], clientId: 'c0' }));
    assert.deepEqual([again.errorCode, again.generationId], [0, 1]);
    assert.notEqual(again.memberId, joins[0].memberId);
    const replaced = broker.groups.heartbeat({ groupId: 'g', generationId: 1, memberId: joins[0].memberId, groupInstanceId: 'instance-a' });
    assert.equal(replaced.errorCode, code('FENCED_INSTANCE_ID'));
    return broker;
  });
});

test('a deleted group stays deleted; an empty group without offsets is forgotten once retention has passed', async () => {
  await withRestarts(async (first, restart) => {
    await first.createTopic('t', 1);
    for (const groupId of ['deleted', 'idle']) {
      const { joins } = await formGroup(first, 1, { groupId });
      first.groups.leaveGroup(groupId, [{ memberId: joins[0].memberId, groupInstanceId: null }]);
    }
    assert.deepEqual(await first.groups.deleteGroups(['deleted']), [{ groupId: 'deleted', errorCode: 0 }]);
    let broker = await restart({ offsetsRetentionMs: 60_000 });
    assert.deepEqual(broker.groups.listGroups().map((g) => g.groupId), ['idle']);
    await broker.groups.expireOffsets(Date.now() + 30_000);
    assert.equal(broker.groups.stateOf('idle'), 'Empty');
    await broker.groups.expireOffsets(Date.now() + 61_000);
    assert.equal(broker.groups.stateOf('idle'), 'Dead');
    broker = await restart();
    assert.deepEqual(broker.groups.listGroups(), []);
    return broker;
  });
});

test('group metadata survives a snapshot of the offsets log', async () => {
  await withRestarts(async (first, restart) => {
    await first.createTopic('t', 1);
    const { joins } = await formGroup(first, 1);
    for (let offset = 0; offset < 1100; offset++) await commitOne(first, 1, joins[0].memberId, offset);
    await first.cleanLogs();
    const broker = await restart();
    assert.equal(broker.groups.heartbeat({ groupId: 'g', generationId: 1, memberId: joins[0].memberId, groupInstanceId: null }).errorCode, 0);
    assert.equal(broker.groups.offsetFetch('g', [{ name: 't', partitions: [0] }]).topics[0].partitions[0].offset, 1099);
    return broker;
  });
});
