/** The JoinGroup and SyncGroup answers a group gives: errors, and the current generation as a member sees it. */
import type { ErrorName } from '../errors.js';
import { kafkaCode, NONE } from './error-codes.js';
import type { GroupMember } from './group-member.js';
import type { JoinGroupResult, SyncGroupResult } from './group-types.js';

/** What a group's answers report about its current generation. */
export interface GenerationView {
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly leaderId: string | null;
  readonly members: ReadonlyMap<string, GroupMember>;
}

/** A JoinGroup answer carrying only the error `name` (and the member id, when it has one). */
export function joinError(name: ErrorName, memberId = ''): JoinGroupResult {
  return {
    errorCode: kafkaCode(name),
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    skipAssignment: false,
    memberId,
    members: [],
  };
}

/** A SyncGroup answer carrying only the error `name`. */
export function syncError(name: ErrorName): SyncGroupResult {
  return { errorCode: kafkaCode(name), protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}

/** The JoinGroup answer for `member` in the current generation: the leader also gets every member's metadata. */
export function joinAnswer(group: GenerationView, member: GroupMember, skipAssignment: boolean): JoinGroupResult {
  const isLeader = member.memberId === group.leaderId;
  const protocol = group.protocolName ?? '';
  return {
    errorCode: NONE,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    leader: group.leaderId ?? '',
    skipAssignment,
    memberId: member.memberId,
    members: isLeader
      ? [...group.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadataFor(protocol) }))
      : [],
  };
}

/** The SyncGroup answer for `member`: its assignment in the current generation. */
export function syncAnswer(group: GenerationView, member: GroupMember): SyncGroupResult {
  return { errorCode: NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment };
}
