/**
 * Public shapes of the consumer group coordinator (Kafka's classic group protocol). Member
 * metadata and assignments are opaque bytes: the coordinator passes them between members as is.
 */

/** A group's state, spelled as Kafka's DescribeGroups/ListGroups answer it. */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** One protocol a joining member supports, with its opaque metadata. */
export interface JoinProtocol {
  name: string;
  metadata: Buffer;
}

/** A JoinGroup request. */
export interface JoinGroupRequest {
  groupId: string;
  /** "" for a member joining for the first time. */
  memberId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  /** Defaults to sessionTimeoutMs for JoinGroup v0. */
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: JoinProtocol[];
  clientId: string;
  clientHost: string;
  /** True for JoinGroup v4+: a new dynamic member first gets MEMBER_ID_REQUIRED and its id. */
  requireKnownMemberId: boolean;
}

/** One member as the leader sees it in the JoinGroup answer. */
export interface JoinGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

/** A JoinGroup answer. */
export interface JoinGroupResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  /** True when a static leader rejoins a stable group and must not reassign (v9+). */
  skipAssignment: boolean;
  memberId: string;
  /** Every member with its metadata for the chosen protocol; empty for non-leaders. */
  members: JoinGroupMember[];
}

/** A SyncGroup request; only the leader sends assignments. */
export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

/** A SyncGroup answer. */
export interface SyncGroupResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

/** A Heartbeat request. */
export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

/** One member leaving (LeaveGroup v3+ may name several). */
export interface LeavingMember {
  memberId: string;
  groupInstanceId: string | null;
}

/** A LeaveGroup answer. */
export interface LeaveGroupResult {
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

/** One partition's offset to commit. */
export interface OffsetCommitPartition {
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

/** Offsets to commit for one topic. */
export interface OffsetCommitTopic {
  name: string;
  partitions: OffsetCommitPartition[];
}

/** An OffsetCommit request (generationId -1 and memberId "" for a standalone commit). */
export interface OffsetCommitRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** OffsetCommit v2-v4 retention override; -1 for the broker default. */
  retentionTimeMs?: number;
  topics: OffsetCommitTopic[];
}

/** Per-partition answers grouped by topic, used by several offset APIs. */
export interface TopicPartitionErrors {
  name: string;
  partitions: { partition: number; errorCode: number }[];
}

/** Topics and partitions to read or delete offsets for. */
export interface TopicPartitions {
  name: string;
  partitions: number[];
}

/** One committed offset as OffsetFetch answers it (offset -1 when none is committed). */
export interface FetchedOffset {
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

/** An OffsetFetch answer for one group. */
export interface OffsetFetchResult {
  errorCode: number;
  topics: { name: string; partitions: FetchedOffset[] }[];
}

/** An OffsetDelete answer. */
export interface OffsetDeleteResult {
  errorCode: number;
  topics: TopicPartitionErrors[];
}

/** One member as DescribeGroups answers it. */
export interface DescribedMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}

/** One group as DescribeGroups answers it. */
export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: GroupState;
  protocolType: string;
  protocolData: string;
  members: DescribedMember[];
}

/** One group as ListGroups answers it. */
export interface ListedGroup {
  groupId: string;
  protocolType: string;
  groupState: GroupState;
}

/** A committed offset held by the coordinator. */
export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
  commitTimestamp: number;
  /** Absolute expiry set by a v2-v4 commit with a retention time, else -1. */
  expireTimestamp: number;
}
