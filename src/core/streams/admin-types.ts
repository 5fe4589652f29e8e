/** Public shapes of the introspection and offset-reset operations used by the CLI and admin API. */
import type { GroupState } from './group-types.js';

/** One partition's position of a group. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** -1 when the group has no committed offset for the partition. */
  committedOffset: number;
  logEndOffset: number;
  /** logEndOffset - committedOffset, or null without a committed offset. */
  lag: number | null;
}

/** One member of a group, for humans. */
export interface GroupMemberSummary {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** Partitions assigned to the member when the group uses the standard consumer protocol. */
  assignment: { topic: string; partitions: number[] }[];
}

/** A group with its members and per-partition lag. */
export interface GroupSummary {
  groupId: string;
  state: GroupState;
  protocolType: string;
  protocol: string;
  generationId: number;
  members: GroupMemberSummary[];
  offsets: PartitionLag[];
}

/** Where resetOffsets moves each partition. */
export type OffsetResetSpec =
  | { type: 'earliest' }
  | { type: 'latest' }
  | { type: 'datetime'; timestamp: number }
  | { type: 'offset'; offset: number }
  | { type: 'shiftBy'; delta: number };

/** One partition's planned or applied reset. */
export interface OffsetResetEntry {
  topic: string;
  partition: number;
  /** -1 when nothing was committed before. */
  previousOffset: number;
  newOffset: number;
}
