/** Who belongs to a group: members by member id and by static instance id, and member ids handed out but not yet used. */
import type { ErrorName } from '../errors.js';
import { GroupMember } from './group-member.js';
import type { JoinGroupRequest } from './group-types.js';

/** Takes a rejoining member's protocols, timeouts and client identity from its JoinGroup. */
export function updateFromJoin(member: GroupMember, req: JoinGroupRequest): void {
  member.protocols = req.protocols;
  member.sessionTimeoutMs = req.sessionTimeoutMs;
  member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
  member.clientId = req.clientId;
  member.clientHost = req.clientHost;
}

/** A group's members and the member ids it has handed out with MEMBER_ID_REQUIRED. */
export class GroupRoster {
  /** Members by member id, in the order they joined. */
  readonly members = new Map<string, GroupMember>();
  /** Member id of each static member, by its group.instance.id. */
  private readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, waiting for the member's second JoinGroup. */
  private readonly pendingMembers = new Map<string, NodeJS.Timeout>();

  /** Adds the member that joins with `req` under `memberId`. */
  admit(memberId: string, req: JoinGroupRequest): GroupMember {
    const member = new GroupMember(
      memberId,
      req.groupInstanceId,
      req.clientId,
      req.clientHost,
      req.sessionTimeoutMs,
      req.rebalanceTimeoutMs,
      req.protocolType,
      req.protocols,
    );
    this.add(member);
    return member;
  }

  /** Adds a member, indexing a static one by its instance id. */
  add(member: GroupMember): void {
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
  }

  /** Gives a member a new member id (a static member that rejoined without its id). */
  rename(member: GroupMember, memberId: string): void {
    this.members.delete(member.memberId);
    member.memberId = memberId;
    this.add(member);
  }

  /** Removes a member and stops its session timer. */
  remove(member: GroupMember): void {
    member.stopSession();
    this.members.delete(member.memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === member.memberId) {
      this.staticMembers.delete(member.groupInstanceId);
    }
  }

  /** The member id of the static member with this instance id, if any. */
  memberIdOf(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }

  /** FENCED_INSTANCE_ID if `groupInstanceId` belongs to another member id than `memberId`, else null. */
  fenced(memberId: string, groupInstanceId: string | null): ErrorName | null {
    if (groupInstanceId === null) return null;
    const current = this.staticMembers.get(groupInstanceId);
    return current !== undefined && current !== memberId ? 'FENCED_INSTANCE_ID' : null;
  }

  /** Records a member id handed out; `onUnused` runs if no JoinGroup uses it within `timeoutMs`. */
  addPending(memberId: string, timeoutMs: number, onUnused: () => void): void {
    const timer = setTimeout(() => {
      this.pendingMembers.delete(memberId);
      onUnused();
    }, timeoutMs);
    timer.unref();
    this.pendingMembers.set(memberId, timer);
  }

  /** Takes a handed-out member id that a JoinGroup now uses: true if it was pending. */
  takePending(memberId: string): boolean {
    const pending = this.pendingMembers.get(memberId);
    if (pending === undefined) return false;
    clearTimeout(pending);
    this.pendingMembers.delete(memberId);
    return true;
  }

  /** True while some handed-out member id may still join. */
  get hasPending(): boolean {
    return this.pendingMembers.size > 0;
  }

  /** Forgets every member and handed-out member id, stopping their timers. */
  clear(): void {
    for (const member of this.members.values()) member.stopSession();
    for (const timer of this.pendingMembers.values()) clearTimeout(timer);
    this.members.clear();
    this.staticMembers.clear();
    this.pendingMembers.clear();
  }
}
