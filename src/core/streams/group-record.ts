/**
 * The persisted metadata of one consumer group (protocol, generation, leader, members with their
 * subscriptions and assignments), kept in `__consumer_offsets` next to the group's committed
 * offsets so that members keep their generation across a restart. Bytes are stored as base64.
 */
import { GroupMember } from './group-member.js';

/** One member as persisted. */
export interface StoredMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  /** Every protocol the member offered, metadata in base64. */
  protocols: { name: string; metadata: string }[];
  /** The member's assignment in the stored generation, in base64. */
  assignment: string;
}

/** A group as persisted when a generation completes or the group becomes empty. */
export interface GroupRecord {
  protocolType: string | null;
  generationId: number;
  protocolName: string | null;
  leaderId: string | null;
  /** When the group last became empty (ms), for offset retention. */
  emptySince: number;
  members: StoredMember[];
}

/** The persisted form of a member, with `assignment` as its assignment. */
export function storedMember(member: GroupMember, assignment: Buffer): StoredMember {
  return {
    memberId: member.memberId,
    groupInstanceId: member.groupInstanceId,
    clientId: member.clientId,
    clientHost: member.clientHost,
    sessionTimeoutMs: member.sessionTimeoutMs,
    rebalanceTimeoutMs: member.rebalanceTimeoutMs,
    protocolType: member.protocolType,
    protocols: member.protocols.map((p) => ({ name: p.name, metadata: p.metadata.toString('base64') })),
    assignment: assignment.toString('base64'),
  };
}

/** A member rebuilt from its persisted form (its session timer is not started). */
export function restoredMember(stored: StoredMember): GroupMember {
  const member = new GroupMember(
    stored.memberId,
    stored.groupInstanceId,
    stored.clientId,
    stored.clientHost,
    stored.sessionTimeoutMs,
    stored.rebalanceTimeoutMs,
    stored.protocolType,
    stored.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata, 'base64') })),
  );
  member.assignment = Buffer.from(stored.assignment, 'base64');
  return member;
}
