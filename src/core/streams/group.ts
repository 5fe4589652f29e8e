/**
 * One consumer group under Kafka's classic rebalance protocol:
 *
 *   Empty --join--> PreparingRebalance --all joined / rebalance timeout--> CompletingRebalance
 *   CompletingRebalance --leader's SyncGroup--> Stable --join, leave, expiry--> PreparingRebalance
 *   PreparingRebalance --everyone gone--> Empty;  deleteGroups --> Dead
 *
 * Members that do not heartbeat within their session timeout are removed, also while a rebalance
 * waits for them; dynamic members that do not rejoin within the rebalance timeout are dropped from
 * the new generation. Static members (group.instance.id) keep their place and assignment until
 * their session timeout, across restarts and rebalances they miss.
 *
 * The group's metadata is stored when a generation's assignment is in (answered only once stored)
 * and when the group becomes empty; a broker that opens restores the group as Stable with its
 * members, whose sessions start at that moment.
 */
import { randomUUID } from 'node:crypto';
import type { ErrorName } from '../errors.js';
import { kafkaCode, NONE } from './error-codes.js';
import { joinAnswer, joinError, syncAnswer, syncError } from './group-answers.js';
import type { GroupMember } from './group-member.js';
import { acceptsProtocols, selectProtocol } from './group-protocols.js';
import { restoredMember, storedMember, type GroupRecord } from './group-record.js';
import { GroupRoster, updateFromJoin } from './group-roster.js';
import type { GroupState, HeartbeatRequest, JoinGroupRequest, JoinGroupResult, SyncGroupRequest, SyncGroupResult } from './group-types.js';
import { RebalanceTimers } from './rebalance-timers.js';

/** Coordinator-wide group settings. */
export interface GroupSettings {
  initialRebalanceDelayMs: number;
}

/** Durably stores the group's metadata. */
export type StoreGroup = (record: GroupRecord) => Promise<void>;

/** A consumer group and its membership state machine. */
export class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  /** When the group last became empty (for offset retention). */
  emptySince = Date.now();
  private readonly roster = new GroupRoster();
  private readonly timers = new RebalanceTimers(() => this.completeJoin(), () => this.tryCompleteJoin());

  constructor(
    readonly groupId: string,
    private readonly settings: GroupSettings,
    private readonly store: StoreGroup,
  ) {}

  /** The members by member id, in the order they joined. */
  get members(): Map<string, GroupMember> {
    return this.roster.members;
  }

  /** Rebuilds a group from its stored metadata: Stable with its members (whose sessions start now), or Empty. */
  static restore(groupId: string, settings: GroupSettings, store: StoreGroup, record: GroupRecord): Group {
    const group = new Group(groupId, settings, store);
    group.generationId = record.generationId;
    group.protocolType = record.protocolType;
    group.protocolName = record.protocolName;
    group.leaderId = record.leaderId;
    group.emptySince = record.emptySince;
    for (const stored of record.members) {
      const member = restoredMember(stored);
      group.roster.add(member);
      group.keepAlive(member);
    }
    group.state = group.members.size > 0 ? 'Stable' : 'Empty';
    return group;
  }

  /** The group's metadata to store, with `assignments` (default: the current ones) as the members' assignments. */
  private record(assignments?: Map<string, Buffer>): GroupRecord {
    return {
      protocolType: this.protocolType,
      generationId: this.generationId,
      protocolName: this.protocolName,
      leaderId: this.leaderId,
      emptySince: this.emptySince,
      members: [...this.members.values()].map((m) => storedMember(m, assignments?.get(m.memberId) ?? m.assignment)),
    };
  }

  /** True if the group has no members (its offsets may expire, it may be deleted). */
  get isEmpty(): boolean {
    return this.members.size === 0;
  }

  /** Handles a JoinGroup; the answer comes when the rebalance completes (or at once on error). */
  join(req: JoinGroupRequest): Promise<JoinGroupResult> | JoinGroupResult {
    if (this.state === 'Dead') return joinError('COORDINATOR_NOT_AVAILABLE', req.memberId);
    if (!acceptsProtocols(req, [...this.members.values()], this.protocolType)) return joinError('INCONSISTENT_GROUP_PROTOCOL', req.memberId);
    if (req.memberId === '') {
      if (req.groupInstanceId !== null) return this.joinStaticUnknown(req);
      const memberId = `${req.clientId}-${randomUUID()}`;
      if (req.requireKnownMemberId) {
        this.roster.addPending(memberId, req.sessionTimeoutMs, () => this.tryCompleteJoin());
        return joinError('MEMBER_ID_REQUIRED', memberId);
      }
      return this.addMemberAndRebalance(memberId, req);
    }
    if (this.roster.takePending(req.memberId)) return this.addMemberAndRebalance(req.memberId, req);
    const fenced = this.roster.fenced(req.memberId, req.groupInstanceId);
    if (fenced) return joinError(fenced, req.memberId);
    const member = this.members.get(req.memberId);
    if (member === undefined) return joinError('UNKNOWN_MEMBER_ID', req.memberId);
    return this.rejoin(member, req);
  }

  private rejoin(member: GroupMember, req: JoinGroupRequest): Promise<JoinGroupResult> | JoinGroupResult {
    switch (this.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(member, req);
      case 'CompletingRebalance':
        if (member.sameProtocols(req.protocols)) return joinAnswer(this, member, false);
        return this.updateMemberAndRebalance(member, req);
      case 'Stable':
        if (member.memberId !== this.leaderId && member.sameProtocols(req.protocols)) return joinAnswer(this, member, false);
        return this.updateMemberAndRebalance(member, req);
      default:
        return joinError('UNKNOWN_MEMBER_ID', req.memberId);
    }
  }

  /** A static member joining without its member id: it replaces its earlier incarnation. */
  private joinStaticUnknown(req: JoinGroupRequest): Promise<JoinGroupResult> | JoinGroupResult {
    const instanceId = req.groupInstanceId as string;
    const newId = `${instanceId}-${randomUUID()}`;
    const oldId = this.roster.memberIdOf(instanceId);
    const old = oldId === undefined ? undefined : this.members.get(oldId);
    if (old === undefined) return this.addMemberAndRebalance(newId, req);
    old.joinWaiter?.(joinError('FENCED_INSTANCE_ID', old.memberId));
    old.syncWaiter?.(syncError('FENCED_INSTANCE_ID'));
    old.joinWaiter = null;
    old.syncWaiter = null;
    this.roster.rename(old, newId);
    if (this.leaderId === oldId) this.leaderId = newId;
    const unchanged = old.sameProtocols(req.protocols);
    updateFromJoin(old, req);
    if (this.state === 'Stable' && unchanged) {
      this.keepAlive(old);
      const answer = joinAnswer(this, old, newId === this.leaderId);
      return this.store(this.record()).then(
        () => answer,
        () => joinError('COORDINATOR_NOT_AVAILABLE', newId),
      );
    }
    return this.updateMemberAndRebalance(old, req);
  }

  private addMemberAndRebalance(memberId: string, req: JoinGroupRequest): Promise<JoinGroupResult> {
    if (this.members.size === 0) this.protocolType = req.protocolType;
    const member = this.roster.admit(memberId, req);
    if (this.leaderId === null) this.leaderId = memberId;
    return this.awaitJoin(member);
  }

  private updateMemberAndRebalance(member: GroupMember, req: JoinGroupRequest): Promise<JoinGroupResult> {
    updateFromJoin(member, req);
    return this.awaitJoin(member);
  }

  private awaitJoin(member: GroupMember): Promise<JoinGroupResult> {
    member.stopSession();
    member.joinWaiter?.(joinError('UNKNOWN_MEMBER_ID', member.memberId));
    const answer = new Promise<JoinGroupResult>((resolve) => {
      member.joinWaiter = resolve;
    });
    if (this.state !== 'PreparingRebalance') this.prepareRebalance();
    this.tryCompleteJoin();
    return answer;
  }

  /** Starts a rebalance: pending syncs fail with REBALANCE_IN_PROGRESS, members have a rebalance timeout to rejoin. */
  private prepareRebalance(): void {
    if (this.state === 'CompletingRebalance') {
      for (const member of this.members.values()) {
        member.syncWaiter?.(syncError('REBALANCE_IN_PROGRESS'));
        member.syncWaiter = null;
      }
    }
    const initial = this.state === 'Empty';
    this.state = 'PreparingRebalance';
    this.timers.start(this.rebalanceTimeoutMs(), initial ? this.settings.initialRebalanceDelayMs : 0);
  }

  /** The group's rebalance timeout: the longest of its members'. */
  private rebalanceTimeoutMs(): number {
    return Math.max(0, ...[...this.members.values()].map((m) => m.rebalanceTimeoutMs));
  }

  private tryCompleteJoin(): void {
    if (this.state !== 'PreparingRebalance' || this.timers.inInitialDelay || this.roster.hasPending) return;
    for (const member of this.members.values()) if (member.joinWaiter === null) return;
    this.completeJoin();
  }

  /**
   * Ends the join phase as Kafka does: dynamic members that did not rejoin are dropped, static ones
   * stay in the new generation (their session timeout decides when they go). If no member has
   * rejoined to lead it, the phase waits another rebalance timeout; otherwise a new generation starts.
   */
  private completeJoin(): void {
    if (this.state !== 'PreparingRebalance') return;
    this.timers.stop();
    for (const member of [...this.members.values()]) if (member.joinWaiter === null && member.groupInstanceId === null) this.dropMember(member);
    const joined = [...this.members.values()].filter((m) => m.joinWaiter !== null);
    if (this.members.size > 0 && joined.length === 0) {
      this.timers.start(this.rebalanceTimeoutMs(), 0);
      return;
    }
    this.generationId++;
    if (this.members.size === 0) {
      this.becomeEmpty();
      return;
    }
    this.protocolName = selectProtocol([...this.members.values()]);
    if (!joined.some((m) => m.memberId === this.leaderId)) this.leaderId = joined[0].memberId;
    this.state = 'CompletingRebalance';
    for (const member of this.members.values()) {
      const waiter = member.joinWaiter;
      member.joinWaiter = null;
      member.assignment = Buffer.alloc(0);
      this.keepAlive(member);
      waiter?.(joinAnswer(this, member, false));
    }
  }

  private becomeEmpty(): void {
    this.state = 'Empty';
    this.protocolName = null;
    this.leaderId = null;
    this.emptySince = Date.now();
    // Nothing waits on this write: a lost one leaves the previous generation stored, whose
    // members the restarted broker expires after their session timeout.
    this.store(this.record()).catch((err: unknown) => console.error(`storing empty group ${this.groupId} failed:`, err));
  }

  /** Handles a SyncGroup; followers wait for the leader's assignment. */
  sync(req: SyncGroupRequest): Promise<SyncGroupResult> | SyncGroupResult {
    const refusal = this.checkMember(req.memberId, req.groupInstanceId, req.generationId);
    if (refusal) return syncError(refusal);
    if ((req.protocolType !== null && req.protocolType !== this.protocolType) || (req.protocolName !== null && req.protocolName !== this.protocolName)) {
      return syncError('INCONSISTENT_GROUP_PROTOCOL');
    }
    const member = this.members.get(req.memberId) as GroupMember;
    if (this.state === 'PreparingRebalance') return syncError('REBALANCE_IN_PROGRESS');
    this.keepAlive(member);
    if (this.state === 'Stable') return syncAnswer(this, member);
    const answer = new Promise<SyncGroupResult>((resolve) => {
      member.syncWaiter = resolve;
    });
    if (member.memberId === this.leaderId) void this.completeSync(new Map(req.assignments.map((a) => [a.memberId, a.assignment])));
    return answer;
  }

  /**
   * Stores the generation with the leader's assignments, then hands them out and turns Stable; if
   * the store fails, the waiting members get COORDINATOR_NOT_AVAILABLE and the group rebalances.
   * Nothing happens once the generation has moved on meanwhile.
   */
  private async completeSync(given: Map<string, Buffer>): Promise<void> {
    const generation = this.generationId;
    let stored = true;
    await this.store(this.record(given)).catch(() => (stored = false));
    if (this.state !== 'CompletingRebalance' || this.generationId !== generation) return;
    if (stored) {
      for (const m of this.members.values()) m.assignment = given.get(m.memberId) ?? Buffer.alloc(0);
      this.state = 'Stable';
    }
    for (const m of this.members.values()) {
      m.syncWaiter?.(stored ? syncAnswer(this, m) : syncError('COORDINATOR_NOT_AVAILABLE'));
      m.syncWaiter = null;
    }
    if (!stored) this.prepareRebalance();
  }

  /** Handles a Heartbeat: keeps the session alive and tells the member whether to rejoin. */
  heartbeat(req: HeartbeatRequest): number {
    const refusal = this.checkMember(req.memberId, req.groupInstanceId, req.generationId);
    if (refusal) return kafkaCode(refusal);
    const member = this.members.get(req.memberId) as GroupMember;
    if (member.joinWaiter === null) this.keepAlive(member);
    return this.state === 'PreparingRebalance' ? kafkaCode('REBALANCE_IN_PROGRESS') : NONE;
  }

  /**
   * Checks that a member may act in the given generation (heartbeat, sync, commit): the error
   * name to answer, or null.
   */
  checkMember(memberId: string, groupInstanceId: string | null, generationId: number): ErrorName | null {
    if (this.state === 'Dead') return 'COORDINATOR_NOT_AVAILABLE';
    const fenced = this.roster.fenced(memberId, groupInstanceId);
    if (fenced) return fenced;
    if (!this.members.has(memberId)) return 'UNKNOWN_MEMBER_ID';
    if (generationId !== this.generationId) return 'ILLEGAL_GENERATION';
    return null;
  }

  /** Checks an offset commit's member and generation (generation -1 commits only to an empty group). */
  checkCommit(memberId: string, groupInstanceId: string | null, generationId: number): ErrorName | null {
    if (this.state === 'Dead') return 'COORDINATOR_NOT_AVAILABLE';
    if (generationId < 0 && this.state === 'Empty') return null;
    if (this.state === 'CompletingRebalance') return 'REBALANCE_IN_PROGRESS';
    const refusal = this.checkMember(memberId, groupInstanceId, generationId);
    if (refusal === null) {
      const member = this.members.get(memberId) as GroupMember;
      if (member.joinWaiter === null) this.keepAlive(member);
    }
    return refusal;
  }

  /** Handles one leaving member (LeaveGroup); returns its error code. */
  leave(memberId: string, groupInstanceId: string | null): number {
    if (this.state === 'Dead') return kafkaCode('COORDINATOR_NOT_AVAILABLE');
    const id = memberId === '' && groupInstanceId !== null ? this.roster.memberIdOf(groupInstanceId) : memberId;
    const fenced = id === undefined ? null : this.roster.fenced(id, groupInstanceId);
    if (fenced) return kafkaCode(fenced);
    const member = id === undefined ? undefined : this.members.get(id);
    if (member === undefined) return kafkaCode('UNKNOWN_MEMBER_ID');
    this.removeMember(member);
    return NONE;
  }

  /** Restarts the member's session timer. */
  private keepAlive(member: GroupMember): void {
    member.touch((m) => this.expire(m));
  }

  /** Session expiry: the member is gone. */
  private expire(member: GroupMember): void {
    if (this.members.get(member.memberId) === member) this.removeMember(member);
  }

  private removeMember(member: GroupMember): void {
    this.dropMember(member);
    member.joinWaiter?.(joinError('UNKNOWN_MEMBER_ID', member.memberId));
    member.joinWaiter = null;
    member.syncWaiter?.(syncError('UNKNOWN_MEMBER_ID'));
    member.syncWaiter = null;
    if (this.state === 'Stable' || this.state === 'CompletingRebalance') this.prepareRebalance();
    this.tryCompleteJoin();
  }

  private dropMember(member: GroupMember): void {
    this.roster.remove(member);
    if (this.leaderId === member.memberId) this.leaderId = null;
  }

  /** Marks the group deleted and stops its timers; pending requests are answered with COORDINATOR_NOT_AVAILABLE. */
  shutdown(): void {
    for (const member of this.members.values()) {
      member.joinWaiter?.(joinError('COORDINATOR_NOT_AVAILABLE', member.memberId));
      member.syncWaiter?.(syncError('COORDINATOR_NOT_AVAILABLE'));
    }
    this.timers.stop();
    this.roster.clear();
    this.state = 'Dead';
  }
}
