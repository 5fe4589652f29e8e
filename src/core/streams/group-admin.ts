/** Introspection of groups for humans (members, assignments, lag) and planning of offset resets. */
import type { GroupSummary, GroupMemberSummary, OffsetResetEntry, OffsetResetSpec, PartitionLag } from './admin-types.js';
import { readAssignment } from './consumer-protocol.js';
import type { GroupCoordinator } from './group-coordinator.js';
import type { OffsetStore } from './offset-store.js';
import type { Partition } from './partition.js';
import type { Topic } from './topic-registry.js';

/** Summarises a group: members with decoded assignments, and lag for every committed or assigned partition. */
export function describeGroup(
  groupId: string,
  groups: GroupCoordinator,
  offsets: OffsetStore,
  partition: (topic: string, index: number) => Partition | undefined,
): GroupSummary {
  const group = groups.group(groupId);
  const live = group !== undefined && group.state !== 'Dead';
  const members: GroupMemberSummary[] = live
    ? [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        assignment: readAssignment(m.assignment) ?? [],
      }))
    : [];
  const positions = new Map<string, { topic: string; partition: number }>();
  for (const e of offsets.entries(groupId)) positions.set(`${e.partition}:${e.topic}`, e);
  for (const m of members) for (const a of m.assignment) for (const p of a.partitions) positions.set(`${p}:${a.topic}`, { topic: a.topic, partition: p });
  const lags: PartitionLag[] = [...positions.values()]
    .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
    .map(({ topic, partition: index }) => {
      const committedOffset = offsets.get(groupId, topic, index)?.offset ?? -1;
      const logEndOffset = partition(topic, index)?.log.highWatermark ?? -1;
      const lag = committedOffset >= 0 && logEndOffset >= 0 ? Math.max(logEndOffset - committedOffset, 0) : null;
      return { topic, partition: index, committedOffset, logEndOffset, lag };
    });
  return {
    groupId,
    state: groups.stateOf(groupId),
    protocolType: live ? group.protocolType ?? '' : '',
    protocol: live ? group.protocolName ?? '' : '',
    generationId: live ? group.generationId : -1,
    members,
    offsets: lags,
  };
}

async function targetOffset(partition: Partition, previous: number, spec: OffsetResetSpec): Promise<number> {
  const { startOffset, highWatermark } = partition.log;
  switch (spec.type) {
    case 'earliest':
      return startOffset;
    case 'latest':
      return highWatermark;
    case 'datetime': {
      const found = await partition.listOffsets(spec.timestamp, 0);
      return found.offset >= 0 ? found.offset : highWatermark;
    }
    case 'offset':
      return spec.offset;
    case 'shiftBy':
      return (previous >= 0 ? previous : startOffset) + spec.delta;
  }
}

/** The new offset of every partition of `topics` under `spec`, clamped to each log's range. */
export async function planOffsetReset(groupId: string, topics: Topic[], spec: OffsetResetSpec, offsets: OffsetStore): Promise<OffsetResetEntry[]> {
  const plan: OffsetResetEntry[] = [];
  for (const topic of topics) {
    for (const partition of topic.partitions) {
      const previousOffset = offsets.get(groupId, topic.name, partition.index)?.offset ?? -1;
      const wanted = await targetOffset(partition, previousOffset, spec);
      const newOffset = Math.min(Math.max(wanted, partition.log.startOffset), partition.log.highWatermark);
      plan.push({ topic: topic.name, partition: partition.index, previousOffset, newOffset });
    }
  }
  return plan;
}
