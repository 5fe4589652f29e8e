/**
 * Committed consumer offsets and group metadata, kept in the `__consumer_offsets` state log (keyed
 * by group/topic/partition for offsets, by group alone for metadata), replayed on open and indexed
 * by group in memory.
 */
import type { LogStore } from '../../storage/types.js';
import type { GroupRecord } from './group-record.js';
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

function metadataKey(group: string): string {
  return JSON.stringify([group]);
}

function partitionKey(topic: string, partition: number): string {
  return `${partition}:${topic}`;
}

/** Committed offsets and metadata of every group. */
export class OffsetStore {
  private readonly byGroup = new Map<string, Map<string, OffsetEntry>>();
  private readonly metadata = new Map<string, GroupRecord>();

  private constructor(private readonly log: StateLog<CommittedOffset | GroupRecord>) {
    for (const [key, value] of log.entries) {
      const [group, topic, partition] = JSON.parse(key) as [string, string?, number?];
      if (topic === undefined || partition === undefined) this.metadata.set(group, value as GroupRecord);
      else this.index(group, { topic, partition, committed: value as CommittedOffset });
    }
  }

  /** Opens the offsets log of `store` and replays it. */
  static async open(store: LogStore): Promise<OffsetStore> {
    return new OffsetStore(await StateLog.open<CommittedOffset | GroupRecord>(store, OFFSETS_LOG));
  }

  /** The persisted metadata of every group that has some. */
  storedGroups(): ReadonlyMap<string, GroupRecord> {
    return this.metadata;
  }

  /** Durably stores a group's metadata. */
  async saveGroup(group: string, record: GroupRecord): Promise<void> {
    this.metadata.set(group, record);
    await this.log.write([[metadataKey(group), record]]);
  }

  /** Durably removes a group: its metadata and every committed offset, in one batch. */
  async deleteGroup(group: string): Promise<void> {
    const offsets = [...(this.byGroup.get(group)?.values() ?? [])];
    const hadMetadata = this.metadata.delete(group);
    this.byGroup.delete(group);
    const tombstones = offsets.map((e) => [storeKey(group, e.topic, e.partition), null] as const);
    await this.log.write(hadMetadata ? [...tombstones, [metadataKey(group), null] as const] : tombstones);
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

  /** Durably removes offsets of `group`. */
  async remove(group: string, entries: { topic: string; partition: number }[]): Promise<void> {
    const offsets = this.byGroup.get(group);
    if (offsets === undefined) return;
    const removed = entries.filter((e) => offsets.delete(partitionKey(e.topic, e.partition)));
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
