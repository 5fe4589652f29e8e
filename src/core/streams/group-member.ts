/** A member of a classic consumer group, with its pending JoinGroup/SyncGroup answers and session timer. */
import type { JoinGroupResult, JoinProtocol, SyncGroupResult } from './group-types.js';

/** One member of a group. */
export class GroupMember {
  /** Assignment given by the leader in the current generation. */
  assignment: Buffer = Buffer.alloc(0);
  /** Set while a JoinGroup from this member waits for the rebalance to complete. */
  joinWaiter: ((result: JoinGroupResult) => void) | null = null;
  /** Set while a SyncGroup from this member waits for the leader's assignment. */
  syncWaiter: ((result: SyncGroupResult) => void) | null = null;
  private sessionTimer: NodeJS.Timeout | null = null;

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public sessionTimeoutMs: number,
    public rebalanceTimeoutMs: number,
    public protocolType: string,
    public protocols: JoinProtocol[],
  ) {}

  /** The member's metadata for `protocol` (empty if it does not support it). */
  metadataFor(protocol: string): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? Buffer.alloc(0);
  }

  /** True if the member sends exactly these protocols (names and metadata) already. */
  sameProtocols(protocols: JoinProtocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every((p, i) => p.name === this.protocols[i].name && p.metadata.equals(this.protocols[i].metadata))
    );
  }

  /** (Re)starts the session timer: `onExpiry` runs unless the member shows life within its session timeout. */
  touch(onExpiry: (member: GroupMember) => void): void {
    this.stopSession();
    this.sessionTimer = setTimeout(() => onExpiry(this), this.sessionTimeoutMs);
    this.sessionTimer.unref();
  }

  /** Stops the session timer (while a JoinGroup is pending, or when the member goes). */
  stopSession(): void {
    if (this.sessionTimer) clearTimeout(this.sessionTimer);
    this.sessionTimer = null;
  }
}
