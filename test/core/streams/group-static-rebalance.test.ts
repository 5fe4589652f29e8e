// Static members (group.instance.id) in a rebalance they miss, as Kafka handles them: they stay in
// the next generation until their session expires, while dynamic members that miss it are dropped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { kafkaCode } from '../../../src/core/streams/index.js';
import { formGroup, joinRequest } from './group-fixtures.js';
import { memoryBroker } from './helpers.js';

const code = kafkaCode;
const REBALANCE_TIMEOUT_MS = 100;

test('a static member that misses a rebalance stays in the next generation and takes its new assignment back without another one', async () => {
  const { broker } = await memoryBroker();
  const roles = ['static', 'rejoins', 'silent'];
  const { joins } = await formGroup(broker, 3, { rebalanceTimeoutMs: REBALANCE_TIMEOUT_MS }, (i) => ({
    clientId: roles[i],
    groupInstanceId: roles[i] === 'static' ? 'instance-a' : null,
  }));
  const [staticMember, rejoins, silent] = joins;
  const newcomer = broker.groups.joinGroup(joinRequest({ clientId: 'newcomer', rebalanceTimeoutMs: REBALANCE_TIMEOUT_MS, protocols: [{ name: 'range', metadata: Buffer.from('m3') }] }));
  const rejoined = broker.groups.joinGroup(joinRequest({ memberId: rejoins.memberId, clientId: 'rejoins', rebalanceTimeoutMs: REBALANCE_TIMEOUT_MS, protocols: [{ name: 'range', metadata: Buffer.from('m1') }] }));
  const answers = await Promise.all([newcomer, rejoined]);
  assert.ok(answers.every((a) => a.errorCode === 0 && a.generationId === 2), 'the rebalance timeout ends the join phase');
  const leader = answers.find((a) => a.memberId === a.leader);
  assert.ok(leader, 'a member that rejoined leads the new generation');
  assert.deepEqual(
    leader.members.map((m) => [m.memberId, m.groupInstanceId, m.metadata.toString()]).sort(),
    [
      [staticMember.memberId, 'instance-a', 'm0'],
      [rejoins.memberId, null, 'm1'],
      [answers[0].memberId, null, 'm3'],
    ].sort(),
    'the static member is still in the generation; the silent dynamic member is not',
  );
  assert.equal(broker.groups.heartbeat({ groupId: 'g', generationId: 1, memberId: silent.memberId, groupInstanceId: null }).errorCode, code('UNKNOWN_MEMBER_ID'));

  const assignments = leader.members.map((m) => ({ memberId: m.memberId, assignment: Buffer.from(`gen2-${m.memberId}`) }));
  const sync = await broker.groups.syncGroup({ groupId: 'g', generationId: 2, memberId: leader.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments });
  assert.equal(sync.errorCode, 0);
  assert.equal(broker.groups.stateOf('g'), 'Stable');

  const incarnation = await broker.groups.joinGroup(joinRequest({ groupInstanceId: 'instance-a', clientId: 'static', protocols: [{ name: 'range', metadata: Buffer.from('m0') }] }));
  assert.deepEqual([incarnation.errorCode, incarnation.generationId], [0, 2], 'the static member comes back into generation 2 without a rebalance');
  const own = await broker.groups.syncGroup({ groupId: 'g', generationId: 2, memberId: incarnation.memberId, groupInstanceId: 'instance-a', protocolType: null, protocolName: null, assignments: [] });
  assert.equal(own.assignment.toString(), `gen2-${staticMember.memberId}`, 'with the assignment the leader gave it while it was away');
  await broker.close();
});

test('a rebalance that only static members miss waits for them instead of emptying the group', async () => {
  const { broker } = await memoryBroker();
  const { joins } = await formGroup(broker, 2, { rebalanceTimeoutMs: REBALANCE_TIMEOUT_MS }, (i) => ({ groupInstanceId: i === 0 ? 'instance-a' : null }));
  const [staticMember, leaving] = joins;
  broker.groups.leaveGroup('g', [{ memberId: leaving.memberId, groupInstanceId: null }]);
  await sleep(REBALANCE_TIMEOUT_MS * 3);
  assert.equal(broker.groups.stateOf('g'), 'PreparingRebalance', 'no member rejoined: the join phase goes on');
  const hb = broker.groups.heartbeat({ groupId: 'g', generationId: 1, memberId: staticMember.memberId, groupInstanceId: 'instance-a' });
  assert.equal(hb.errorCode, code('REBALANCE_IN_PROGRESS'), 'the static member is still a member, asked to rejoin');
  const rejoin = await broker.groups.joinGroup(joinRequest({ memberId: staticMember.memberId, groupInstanceId: 'instance-a', rebalanceTimeoutMs: REBALANCE_TIMEOUT_MS, protocols: [{ name: 'range', metadata: Buffer.from('m0') }] }));
  assert.deepEqual([rejoin.errorCode, rejoin.generationId, rejoin.leader, rejoin.members.map((m) => m.memberId)], [0, 2, staticMember.memberId, [staticMember.memberId]]);
  await broker.close();
});

test('a static member that never comes back leaves the group when its session expires', async () => {
  const { broker } = await memoryBroker();
  const { joins } = await formGroup(broker, 2, { rebalanceTimeoutMs: REBALANCE_TIMEOUT_MS }, (i) => ({ groupInstanceId: i === 0 ? 'instance-a' : null, sessionTimeoutMs: i === 0 ? 300 : 10_000 }));
  broker.groups.leaveGroup('g', [{ memberId: joins[1].memberId, groupInstanceId: null }]);
  let state = broker.groups.stateOf('g');
  for (let i = 0; i < 100 && state !== 'Empty'; i++) {
    await sleep(20);
    state = broker.groups.stateOf('g');
  }
  assert.equal(state, 'Empty');
  assert.equal(broker.groups.heartbeat({ groupId: 'g', generationId: 1, memberId: joins[0].memberId, groupInstanceId: 'instance-a' }).errorCode, code('UNKNOWN_MEMBER_ID'));
  await broker.close();
});
