/** Shared set-up for the consumer group tests: JoinGroup requests and forming a first generation. */
import assert from 'node:assert/strict';
import type { JoinGroupRequest, StreamBroker } from '../../../src/core/streams/index.js';

/** A JoinGroup request for group "g" with one "range" protocol, overridable field by field. */
export function joinRequest(overrides: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from('meta') }],
    clientId: 'client',
    clientHost: '/127.0.0.1',
    requireKnownMemberId: false,
    ...overrides,
  };
}

/** Joins `count` members concurrently and completes the first generation (leader assigns each its own name). */
export async function formGroup(broker: StreamBroker, count: number, overrides: Partial<JoinGroupRequest> = {}, perMember: (index: number) => Partial<JoinGroupRequest> = () => ({})) {
  const joins = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      broker.groups.joinGroup(joinRequest({ protocols: [{ name: 'range', metadata: Buffer.from(`m${i}`) }], clientId: `c${i}`, ...overrides, ...perMember(i) })),
    ),
  );
  const leader = joins.find((j) => j.memberId === j.leader);
  assert.ok(leader);
  const syncs = await Promise.all(
    joins.map((j) =>
      broker.groups.syncGroup({
        groupId: overrides.groupId ?? 'g',
        generationId: j.generationId,
        memberId: j.memberId,
        groupInstanceId: overrides.groupInstanceId ?? null,
        protocolType: 'consumer',
        protocolName: 'range',
        assignments: j.memberId === j.leader ? joins.map((m) => ({ memberId: m.memberId, assignment: Buffer.from(`for-${m.memberId}`) })) : [],
      }),
    ),
  );
  return { joins, leader, syncs };
}
