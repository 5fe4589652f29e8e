/**
 * The group coordinator: routes JoinGroup/SyncGroup/Heartbeat/LeaveGroup to each group's state
 * machine, and owns committed offsets (OffsetCommit/OffsetFetch/OffsetDelete), group listing,
 * description and deletion, and offset retention. This broker coordinates every group. Group
 * metadata is stored in the offsets log and the groups are restored from it when the broker opens.
 */
import type { ErrorName } from '../errors.js';
import { errorCodeOf, kafkaCode, NONE } from './error-codes.js';
import { readSubscriptionTopics } from './consumer-protocol.js';
import { joinError } from './group-answers.js';
import { Group, type GroupSettings, type StoreGroup } from './group.js';
import type {
  CommittedOffset,
  DescribedGroup,
  FetchedOffset,
  GroupState,
  HeartbeatRequest,
  JoinGroupRequest,
  JoinGroupResult,
  LeaveGroupResult,
  LeavingMember,
  ListedGroup,
  OffsetCommitRequest,
  OffsetCommitTopic,
  OffsetDeleteResult,
  OffsetFetchResult,
  SyncGroupRequest,
  SyncGroupResult,
  TopicPartitionErrors,
  TopicPartitions,
} from './group-types.js';
import type { OffsetEntry, OffsetStore } from './offset-store.js';

/** Settings and collaborators of the group coordinator. */
export interface GroupCoordinatorContext {
  offsets: OffsetStore;
  initialRebalanceDelayMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  offsetsRetentionMs: number;
  /** The partition count of a topic, or undefined if it does not exist. */
  partitionCount(topic: string): number | undefined;
  /** True while a transaction holds uncommitted offsets for the partition. */
  hasPendingTxnOffset(group: string, topic: string, partition: number): boolean;
}

/** Per-partition error answers for every partition of `topics`. */
export function topicErrors(topics: { name: string; partitions: { partition: number }[] }[], code: number): TopicPartitionErrors[] {
  return topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: code })) }));
}

/** Coordinates every consumer group of the broker. */
export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private readonly settings: GroupSettings;

  /** Restores every group stored in the offsets log; restored members' sessions start now. */
  constructor(private readonly ctx: GroupCoordinatorContext) {
    this.settings = { initialRebalanceDelayMs: ctx.initialRebalanceDelayMs };
    for (const [groupId, record] of ctx.offsets.storedGroups()) {
      this.groups.set(groupId, Group.restore(groupId, this.settings, this.storeFor(groupId), record));
    }
  }

  private storeFor(groupId: string): StoreGroup {
    return (record) => this.ctx.offsets.saveGroup(groupId, record);
  }

  /** The group's live state object, if the group has ever had members since the broker started. */
  group(groupId: string): Group | undefined {
    return this.groups.get(groupId);
  }

  private groupFor(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (group === undefined || group.state === 'Dead') {
      group = new Group(groupId, this.settings, this.storeFor(groupId));
      this.groups.set(groupId, group);
    }
    return group;
  }

  /** JoinGroup: resolves when the rebalance the member takes part in completes. */
  async joinGroup(req: JoinGroupRequest): Promise<JoinGroupResult> {
    const invalid = (name: ErrorName): JoinGroupResult => joinError(name, req.memberId);
    if (req.groupId === '') return invalid('INVALID_GROUP_ID');
    if (req.sessionTimeoutMs < this.ctx.minSessionTimeoutMs || req.sessionTimeoutMs > this.ctx.maxSessionTimeoutMs) {
      return invalid('INVALID_SESSION_TIMEOUT');
    }
    const existing = this.groups.get(req.groupId);
    if (req.memberId !== '' && (existing === undefined || existing.state === 'Dead')) return invalid('UNKNOWN_MEMBER_ID');
    return this.groupFor(req.groupId).join(req);
  }

  /** SyncGroup: the leader's assignments are handed to every member. */
  async syncGroup(req: SyncGroupRequest): Promise<SyncGroupResult> {
    const group = this.groups.get(req.groupId);
    if (group === undefined) {
      return { errorCode: kafkaCode('UNKNOWN_MEMBER_ID'), protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
    }
    return group.sync(req);
  }

  /** Heartbeat: the error code to answer (REBALANCE_IN_PROGRESS tells the member to rejoin). */
  heartbeat(req: HeartbeatRequest): { errorCode: number } {
    const group = this.groups.get(req.groupId);
    return { errorCode: group === undefined ? kafkaCode('UNKNOWN_MEMBER_ID') : group.heartbeat(req) };
  }

  /**
   * LeaveGroup for one or more members, answered as Kafka answers v3+: INVALID_GROUP_ID with no
   * members for an empty group id, else NONE with each member's own error (UNKNOWN_MEMBER_ID for
   * every member of an unknown group). Older versions answer the top-level error, or else the
   * first member's.
   */
  leaveGroup(groupId: string, members: LeavingMember[]): LeaveGroupResult {
    if (groupId === '') return { errorCode: kafkaCode('INVALID_GROUP_ID'), members: [] };
    const group = this.groups.get(groupId);
    const answers = members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      errorCode: group === undefined ? kafkaCode('UNKNOWN_MEMBER_ID') : group.leave(m.memberId, m.groupInstanceId),
    }));
    return { errorCode: NONE, members: answers };
  }

  /**
   * Validates a commit's member and generation: the error name, or null to accept. A commit with
   * generation -1 to a group that has no live state is a standalone commit.
   */
  checkCommit(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): ErrorName | null {
    if (groupId === '') return 'INVALID_GROUP_ID';
    const group = this.groups.get(groupId);
    if (group === undefined || group.state === 'Dead') return generationId < 0 ? null : 'ILLEGAL_GENERATION';
    return group.checkCommit(memberId, groupInstanceId, generationId);
  }

  /** Splits commit requests into known partitions (to store) and per-partition errors. */
  resolveCommit(topics: OffsetCommitTopic[], retentionTimeMs: number | undefined, now: number): { accepted: OffsetEntry[]; answers: TopicPartitionErrors[] } {
    const accepted: OffsetEntry[] = [];
    const answers = topics.map((t) => {
      const count = this.ctx.partitionCount(t.name);
      return {
        name: t.name,
        partitions: t.partitions.map((p) => {
          if (count === undefined || p.partition < 0 || p.partition >= count) {
            return { partition: p.partition, errorCode: kafkaCode('UNKNOWN_TOPIC_OR_PARTITION') };
          }
          const committed: CommittedOffset = {
            offset: p.offset,
            leaderEpoch: p.leaderEpoch,
            metadata: p.metadata,
            commitTimestamp: now,
            expireTimestamp: retentionTimeMs !== undefined && retentionTimeMs >= 0 ? now + retentionTimeMs : -1,
          };
          accepted.push({ topic: t.name, partition: p.partition, committed });
          return { partition: p.partition, errorCode: NONE };
        }),
      };
    });
    return { accepted, answers };
  }

  /** OffsetCommit: stores the offsets durably before answering. */
  async offsetCommit(req: OffsetCommitRequest): Promise<TopicPartitionErrors[]> {
    const refusal = this.checkCommit(req.groupId, req.memberId, req.groupInstanceId, req.generationId);
    if (refusal) return topicErrors(req.topics, kafkaCode(refusal));
    const { accepted, answers } = this.resolveCommit(req.topics, req.retentionTimeMs, Date.now());
    try {
      await this.ctx.offsets.commit(req.groupId, accepted);
      return answers;
    } catch (err) {
      return topicErrors(req.topics, errorCodeOf(err));
    }
  }

  /** OffsetFetch: committed offsets of the named partitions, or of every partition when `topics` is null. */
  offsetFetch(groupId: string, topics: TopicPartitions[] | null, requireStable = false): OffsetFetchResult {
    const describe = (topic: string, partition: number, committed: CommittedOffset | undefined): FetchedOffset => {
      const unstable = requireStable && this.ctx.hasPendingTxnOffset(groupId, topic, partition);
      return {
        partition,
        offset: committed?.offset ?? -1,
        leaderEpoch: committed?.leaderEpoch ?? -1,
        metadata: committed?.metadata ?? '',
        errorCode: unstable ? kafkaCode('UNSTABLE_OFFSET_COMMIT') : NONE,
      };
    };
    if (topics === null) {
      const byTopic = new Map<string, FetchedOffset[]>();
      for (const e of this.ctx.offsets.entries(groupId)) {
        const list = byTopic.get(e.topic) ?? [];
        list.push(describe(e.topic, e.partition, e.committed));
        byTopic.set(e.topic, list);
      }
      return { errorCode: NONE, topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) };
    }
    return {
      errorCode: NONE,
      topics: topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => describe(t.name, p, this.ctx.offsets.get(groupId, t.name, p))),
      })),
    };
  }

  /** OffsetDelete: removes offsets of partitions the group no longer consumes. */
  async offsetDelete(groupId: string, topics: TopicPartitions[]): Promise<OffsetDeleteResult> {
    const group = this.groups.get(groupId);
    if (group === undefined && this.ctx.offsets.entries(groupId).length === 0) {
      return { errorCode: kafkaCode('GROUP_ID_NOT_FOUND'), topics: [] };
    }
    const subscribed = group !== undefined && !group.isEmpty ? this.subscribedTopics(group) : new Set<string>();
    const removable: { topic: string; partition: number }[] = [];
    const answers = topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((partition) => {
        if (subscribed.has(t.name)) return { partition, errorCode: kafkaCode('GROUP_SUBSCRIBED_TO_TOPIC') };
        if (this.ctx.partitionCount(t.name) === undefined) return { partition, errorCode: kafkaCode('UNKNOWN_TOPIC_OR_PARTITION') };
        removable.push({ topic: t.name, partition });
        return { partition, errorCode: NONE };
      }),
    }));
    await this.ctx.offsets.remove(groupId, removable);
    return { errorCode: NONE, topics: answers };
  }

  /** Topics the group's members subscribe to (read from standard consumer-protocol metadata). */
  private subscribedTopics(group: Group): Set<string> {
    const topics = new Set<string>();
    for (const member of group.members.values()) {
      for (const topic of readSubscriptionTopics(member.metadataFor(group.protocolName ?? '')) ?? []) topics.add(topic);
    }
    return topics;
  }

  /** The state of a group as DescribeGroups and ListGroups report it. */
  stateOf(groupId: string): GroupState {
    const group = this.groups.get(groupId);
    if (group !== undefined && group.state !== 'Dead') return group.state;
    return this.ctx.offsets.entries(groupId).length > 0 ? 'Empty' : 'Dead';
  }

  /** DescribeGroups. */
  describeGroups(groupIds: string[]): DescribedGroup[] {
    return groupIds.map((groupId) => {
      const group = this.groups.get(groupId);
      const state = this.stateOf(groupId);
      const live = group !== undefined && group.state !== 'Dead';
      const protocol = live ? group.protocolName ?? '' : '';
      return {
        errorCode: groupId === '' ? kafkaCode('INVALID_GROUP_ID') : NONE,
        groupId,
        groupState: state,
        protocolType: live ? group.protocolType ?? '' : state === 'Empty' ? 'consumer' : '',
        protocolData: state === 'Stable' || state === 'CompletingRebalance' ? protocol : '',
        members: live
          ? [...group.members.values()].map((m) => ({
              memberId: m.memberId,
              groupInstanceId: m.groupInstanceId,
              clientId: m.clientId,
              clientHost: m.clientHost,
              memberMetadata: m.metadataFor(protocol),
              memberAssignment: group.state === 'Stable' ? m.assignment : Buffer.alloc(0),
            }))
          : [],
      };
    });
  }

  /** ListGroups, optionally only groups in the given states (an empty filter means all). */
  listGroups(statesFilter: string[] = []): ListedGroup[] {
    const ids = new Set([...this.groups.keys(), ...this.ctx.offsets.groups()]);
    const out: ListedGroup[] = [];
    for (const groupId of [...ids].sort()) {
      const groupState = this.stateOf(groupId);
      if (groupState === 'Dead') continue;
      if (statesFilter.length > 0 && !statesFilter.some((s) => s.toLowerCase() === groupState.toLowerCase())) continue;
      out.push({ groupId, protocolType: this.groups.get(groupId)?.protocolType ?? 'consumer', groupState });
    }
    return out;
  }

  /** DeleteGroups: only groups without members; their offsets go too. */
  async deleteGroups(groupIds: string[]): Promise<{ groupId: string; errorCode: number }[]> {
    const answers: { groupId: string; errorCode: number }[] = [];
    for (const groupId of groupIds) {
      const state = this.stateOf(groupId);
      const group = this.groups.get(groupId);
      if (state === 'Dead') answers.push({ groupId, errorCode: kafkaCode('GROUP_ID_NOT_FOUND') });
      else if (group !== undefined && !group.isEmpty) answers.push({ groupId, errorCode: kafkaCode('NON_EMPTY_GROUP') });
      else {
        group?.shutdown();
        this.groups.delete(groupId);
        await this.ctx.offsets.deleteGroup(groupId);
        answers.push({ groupId, errorCode: NONE });
      }
    }
    return answers;
  }

  /**
   * Expires committed offsets of idle groups past their retention, then forgets empty groups that
   * have no offsets left and have been empty that long.
   */
  async expireOffsets(now: number): Promise<void> {
    const retentionMs = this.ctx.offsetsRetentionMs;
    await this.ctx.offsets.expire(now, retentionMs, (groupId) => {
      const group = this.groups.get(groupId);
      if (group === undefined || group.state === 'Dead') return 0;
      return group.isEmpty ? group.emptySince : null;
    });
    for (const [groupId, group] of [...this.groups]) {
      if (group.state !== 'Empty' || group.emptySince + retentionMs > now || this.ctx.offsets.entries(groupId).length > 0) continue;
      group.shutdown();
      this.groups.delete(groupId);
      await this.ctx.offsets.deleteGroup(groupId);
    }
  }

  /** Stops every group's timers and answers pending requests (broker shutdown). */
  shutdown(): void {
    for (const group of this.groups.values()) group.shutdown();
    this.groups.clear();
  }
}
