/**
 * Committed consumer offsets, kept in the `__consumer_offsets` state log keyed by
 * group/topic/partition, replayed on open and indexed by group in memory.
 */
import type { LogStore } from '../../storage/types.js';
import type { CommittedOffset } from './group-types.js';
import { StateLog } from './state-log.js';

/** Name of the log holding committed offsets. */
export const OFFSETS_LOG = '__consumer_offsets';

/** One committed offset with its coordinates. */
export interface OffsetEntry {
  topic: string;
  partition: number;
  committed: CommittedOffset;
}

function storeKey(group: string, topic: string, partition: number): string {
  return JSON.stringify([group, topic, partition]);
}

function partitionKey(topic: string, partition: number): string {
  return `${partition}:${topic}`;
}

/** Committed offsets of every group. */
export class OffsetStore {
  private readonly byGroup = new Map<string, Map<string, OffsetEntry>>();

  private constructor(private readonly log: StateLog<CommittedOffset>) {
    for (const [key, committed] of log.entries) {
      const [group, topic, partition] = JSON.parse(key) as [string, string, number];
      this.index(group, { topic, partition, committed });
    }
  }

  /** Opens the offsets log of `store` and replays it. */
  static async open(store: LogStore): Promise<OffsetStore> {
    return new OffsetStore(await StateLog.open<CommittedOffset>(store, OFFSETS_LOG));
  }

  /** The committed offset of one partition, if any. */
  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.byGroup.get(group)?.get(partitionKey(topic, partition))?.committed;
  }

  /** Every committed offset of `group`, sorted by topic and partition. */
  entries(group: string): OffsetEntry[] {
    return [...(this.byGroup.get(group)?.values() ?? [])].sort((a, b) =>
      a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
    );
  }

  /** Groups that have committed offsets. */
  groups(): string[] {
    return [...this.byGroup.keys()];
  }

  /** Durably stores offsets for `group`. */
  async commit(group: string, entries: OffsetEntry[]): Promise<void> {
    for (const entry of entries) this.index(group, entry);
    await this.log.write(entries.map((e) => [storeKey(group, e.topic, e.partition), e.committed] as const));
  }

  /** Durably removes offsets of `group` (all of them when `entries` is omitted). */
  async remove(group: string, entries?: { topic: string; partition: number }[]): Promise<void> {
    const offsets = this.byGroup.get(group);
    if (offsets === undefined) return;
    const targets = entries ?? [...offsets.values()];
    const removed = targets.filter((e) => offsets.delete(partitionKey(e.topic, e.partition)));
    if (offsets.size === 0) this.byGroup.delete(group);
    await this.log.write(removed.map((e) => [storeKey(group, e.topic, e.partition), null] as const));
  }

  /** Removes every group's offsets for a deleted topic. */
  async removeTopic(topic: string): Promise<void> {
    for (const group of this.groups()) {
      await this.remove(group, this.entries(group).filter((e) => e.topic === topic));
    }
  }

  /**
   * Removes offsets that outlived their retention: for groups `idleSince` reports idle (non-null), those
   * committed more than `retentionMs` before max(commit time, `idleSince`), or past their explicit expiry.
   */
  async expire(now: number, retentionMs: number, idleSince: (group: string) => number | null): Promise<void> {
    for (const group of this.groups()) {
      const since = idleSince(group);
      if (since === null) continue;
      const stale = this.entries(group).filter((e) => {
        const { expireTimestamp, commitTimestamp } = e.committed;
        return expireTimestamp >= 0 ? expireTimestamp <= now : Math.max(commitTimestamp, since) + retentionMs <= now;
      });
      if (stale.length > 0) await this.remove(group, stale);
    }
  }

  /** Compacts the offsets log if it has grown. */
  async snapshot(): Promise<void> {
    await this.log.snapshotIfNeeded();
  }

  /** Closes the offsets log. */
  async close(): Promise<void> {
    await this.log.close();
  }

  private index(group: string, entry: OffsetEntry): void {
    let offsets = this.byGroup.get(group);
    if (offsets === undefined) {
      offsets = new Map();
      this.byGroup.set(group, offsets);
    }
    offsets.set(partitionKey(entry.topic, entry.partition), entry);
  }
}
