/**
 * A keyed state log: the broker's own durable tables (topic metadata, committed offsets,
 * transaction state) kept as records in one log of the store. Each record's key is a string and its
 * value JSON (null = deleted). Opening replays the log into a map; a periodic snapshot rewrites the
 * live entries and drops the log prefix before them, so the log stays proportional to the live state.
 */
import { encodeBatch, type RecordInput } from '../../storage/record-batch.js';
import type { LogStore, PartitionLog } from '../../storage/types.js';
import { decodeBatchRecords } from './batch-records.js';
import { scanBatches } from './log-scan.js';

/** Records per batch when writing a snapshot. */
const SNAPSHOT_BATCH_RECORDS = 500;
/** Snapshot once the log holds this many more records than live entries (and at least twice as many). */
const SNAPSHOT_SLACK_RECORDS = 1000;

function toRecord(key: string, value: unknown): RecordInput {
  return { key: Buffer.from(key, 'utf8'), value: value === null ? null : Buffer.from(JSON.stringify(value), 'utf8') };
}

/** A durable string-keyed table of JSON values. */
export class StateLog<V> {
  private constructor(
    private readonly log: PartitionLog,
    private readonly live: Map<string, V>,
    private recordCount: number,
  ) {}

  /** Opens (creating if needed) the log `name` of `store` and replays it. */
  static async open<V>(store: LogStore, name: string): Promise<StateLog<V>> {
    const log = await store.open(name, { retentionMs: -1, retentionBytes: -1 });
    const live = new Map<string, V>();
    let count = 0;
    for await (const { bytes } of scanBatches(log, log.startOffset)) {
      for (const record of decodeBatchRecords(bytes) ?? []) {
        if (record.key === null) continue;
        count++;
        const key = record.key.toString('utf8');
        if (record.value === null) live.delete(key);
        else live.set(key, JSON.parse(record.value.toString('utf8')) as V);
      }
    }
    return new StateLog(log, live, count);
  }

  /** The live entries (read-only view; change them through write). */
  get entries(): ReadonlyMap<string, V> {
    return this.live;
  }

  /** Durably sets (value) or deletes (null) several keys in one batch. */
  async write(changes: Iterable<readonly [string, V | null]>): Promise<void> {
    const records: RecordInput[] = [];
    for (const [key, value] of changes) {
      records.push(toRecord(key, value));
      if (value === null) this.live.delete(key);
      else this.live.set(key, value);
    }
    if (records.length === 0) return;
    this.recordCount += records.length;
    await this.log.append(encodeBatch(records));
  }

  /** Closes the underlying log. */
  async close(): Promise<void> {
    await this.log.close();
  }

  /** Rewrites the live entries and drops everything before them, when the log has grown enough. */
  async snapshotIfNeeded(): Promise<boolean> {
    const live = this.live.size;
    if (this.recordCount < SNAPSHOT_SLACK_RECORDS + live || this.recordCount < 2 * live) return false;
    const entries = [...this.live];
    const appends: Promise<{ baseOffset: number }>[] = [];
    // All snapshot batches are handed to the log before any later write, so none can interleave.
    for (let i = 0; i < entries.length; i += SNAPSHOT_BATCH_RECORDS) {
      const batch = entries.slice(i, i + SNAPSHOT_BATCH_RECORDS).map(([k, v]) => toRecord(k, v));
      appends.push(this.log.append(encodeBatch(batch)));
    }
    const firstKept = appends.length > 0 ? (await Promise.all(appends))[0].baseOffset : this.log.highWatermark;
    await this.log.deleteRecordsBefore(firstKept);
    this.recordCount = live;
    return true;
  }
}
