/**
 * Log compaction for topics with cleanup.policy=compact: keeps the latest record per key (and
 * drops tombstones older than delete.retention.ms, and records of aborted transactions) below the
 * last stable offset and outside min.compaction.lag.ms, preserving every surviving record's offset.
 *
 * The log engine has no in-place rewrite, so a partition is compacted by copy: the surviving
 * batches are written to a scratch log `__switchyard.compacting.<log>`; then, with the
 * partition's operations held back, the tail appended meanwhile is copied too, a journal entry is
 * written, the original log is replaced by a copy of the scratch log, and the journal entry is
 * cleared. A broker that stops between those steps finishes the replacement when it opens.
 */
import { ATTR_CONTROL, ATTR_TRANSACTIONAL, type BatchHeader, type DecodedRecord } from '../../storage/record-batch.js';
import type { LogConfig, LogStore, PartitionLog } from '../../storage/types.js';
import { decodeBatchRecords } from './batch-records.js';
import { encodeCompactedBatch, encodeFillerBatch } from './compacted-batch.js';
import { scanBatches } from './log-scan.js';
import type { Partition } from './partition.js';
import { StateLog } from './state-log.js';
import type { ResolvedTopicConfig } from './topic-config.js';

/** Name of the log journaling log replacements in progress. */
export const COMPACTION_JOURNAL = '__switchyard.compaction';
/** Scratch logs are named with this prefix before the compacted log's name. */
const SCRATCH_PREFIX = '__switchyard.compacting.';
/** Appends handed to a log before waiting for them (they are acknowledged in order). */
const APPENDS_IN_FLIGHT = 256;

interface JournalEntry {
  scratch: string;
}

/** Writes batches to a log so that every batch keeps its original offsets, covering gaps as needed. */
class OffsetPreservingWriter {
  private next: number;
  private inFlight: Promise<unknown>[] = [];

  constructor(private readonly log: PartitionLog) {
    this.next = log.highWatermark;
  }

  /** Writes a batch as is when it starts exactly where the log ends; otherwise re-encodes it (or pads before it). */
  async copy(header: BatchHeader, bytes: Buffer): Promise<void> {
    if (header.baseOffset === this.next) return this.append(bytes, header.baseOffset + header.lastOffsetDelta);
    const records = decodeBatchRecords(bytes);
    if (records === null) {
      await this.pad(header.baseOffset - 1, header.baseTimestamp);
      return this.append(bytes, header.baseOffset + header.lastOffsetDelta);
    }
    return this.writeRecords(header, records);
  }

  /** Writes the surviving `records` of the batch `header` at their original offsets. */
  async writeRecords(header: BatchHeader, records: DecodedRecord[]): Promise<void> {
    const lastOffset = header.baseOffset + header.lastOffsetDelta;
    await this.append(encodeCompactedBatch(header, records, this.next, lastOffset), lastOffset);
  }

  /** Occupies offsets up to `lastOffset` with an empty batch if the log ends before it. */
  async pad(lastOffset: number, timestamp: number): Promise<void> {
    if (lastOffset >= this.next) await this.append(encodeFillerBatch(this.next, lastOffset, timestamp), lastOffset);
  }

  private async append(batch: Buffer, lastOffset: number): Promise<void> {
    this.inFlight.push(this.log.append(batch));
    this.next = lastOffset + 1;
    if (this.inFlight.length >= APPENDS_IN_FLIGHT) await this.flush();
  }

  /** Waits for every append handed to the log. */
  async flush(): Promise<void> {
    const pending = this.inFlight;
    this.inFlight = [];
    await Promise.all(pending);
  }
}

/** Copies every batch of `source` from its start into the empty log `target`, keeping offsets. */
async function copyLog(source: PartitionLog, target: PartitionLog): Promise<void> {
  const writer = new OffsetPreservingWriter(target);
  const start = source.startOffset;
  await writer.pad(start - 1, Date.now());
  for await (const { header, bytes } of scanBatches(source, start)) await writer.copy(header, bytes);
  await writer.pad(source.highWatermark - 1, Date.now());
  await writer.flush();
  if (start > 0) await target.deleteRecordsBefore(start);
}

/** What compaction keeps of one batch: all of it, some records, or nothing. */
type Verdict = { keep: 'all' } | { keep: 'some'; records: DecodedRecord[] } | { keep: 'none' };

/** Compacts partitions and finishes interrupted log replacements. */
export class Compactor {
  /** Where each partition's log ended after its last compaction, and when that was. */
  private readonly lastRun = new WeakMap<Partition, { end: number; at: number }>();

  private constructor(
    private readonly store: LogStore,
    private readonly journal: StateLog<JournalEntry>,
  ) {}

  /** Opens the journal, completes replacements a stop interrupted, and removes abandoned scratch logs. */
  static async open(store: LogStore): Promise<Compactor> {
    const compactor = new Compactor(store, await StateLog.open<JournalEntry>(store, COMPACTION_JOURNAL));
    for (const [name, entry] of [...compactor.journal.entries]) await (await compactor.replace(name, entry.scratch, {})).close();
    const journaled = new Set([...compactor.journal.entries.values()].map((e) => e.scratch));
    for (const name of await store.list()) if (name.startsWith(SCRATCH_PREFIX) && !journaled.has(name)) await store.delete(name);
    return compactor;
  }

  /** Compacts one partition of a compacted topic; returns false when nothing could be removed. */
  async compact(partition: Partition, config: ResolvedTopicConfig, now: number): Promise<boolean> {
    if (!config.compact) return false;
    const log = partition.log;
    const end = await this.cleanableEnd(partition, config, now);
    // Nothing new to compact, and no tombstone can have expired since the last run.
    const last = this.lastRun.get(partition);
    if (last && last.end === end && now - last.at < config.deleteRetentionMs) return false;
    this.lastRun.set(partition, { end, at: now });
    const latest = await this.latestOffsets(partition, end);
    const verdicts: { header: BatchHeader; bytes: Buffer; verdict: Verdict }[] = [];
    let removed = 0;
    for await (const { header, bytes } of scanBatches(log, log.startOffset)) {
      if (header.baseOffset >= end) break;
      const verdict = this.judge(partition, header, bytes, latest, config, now);
      if (verdict.keep === 'none') removed += header.recordCount;
      if (verdict.keep === 'some') removed += header.recordCount - verdict.records.length;
      verdicts.push({ header, bytes, verdict });
    }
    if (removed === 0) return false;
    const scratchName = SCRATCH_PREFIX + log.name;
    await this.store.delete(scratchName);
    const scratch = await this.store.open(scratchName, log.config);
    const writer = new OffsetPreservingWriter(scratch);
    await writer.pad(log.startOffset - 1, now);
    for (const { header, bytes, verdict } of verdicts) {
      if (verdict.keep === 'all') await writer.copy(header, bytes);
      else if (verdict.keep === 'some') await writer.writeRecords(header, verdict.records);
    }
    await partition.exclusive(async () => {
      for await (const { header, bytes } of scanBatches(partition.log, end)) if (header.baseOffset >= end) await writer.copy(header, bytes);
      await writer.pad(partition.log.highWatermark - 1, now);
      await writer.flush();
      if (partition.log.startOffset > 0) await scratch.deleteRecordsBefore(partition.log.startOffset);
      await scratch.close();
      await this.journal.write([[log.name, { scratch: scratchName }]]);
      partition.log = await this.replace(log.name, scratchName, log.config);
    });
    return true;
  }

  /** Compaction stops at the last stable offset and before records younger than min.compaction.lag.ms. */
  private async cleanableEnd(partition: Partition, config: ResolvedTopicConfig, now: number): Promise<number> {
    const stable = partition.lastStableOffset;
    if (config.minCompactionLagMs <= 0) return stable;
    return Math.min(stable, (await partition.log.offsetForTimestamp(now - config.minCompactionLagMs)) ?? stable);
  }

  /** The offset of the latest record of every key below `end` (records of aborted transactions excluded). */
  private async latestOffsets(partition: Partition, end: number): Promise<Map<string, number>> {
    const latest = new Map<string, number>();
    for await (const { header, bytes } of scanBatches(partition.log, partition.log.startOffset)) {
      if (header.baseOffset >= end) break;
      if (header.attributes & ATTR_CONTROL || this.aborted(partition, header)) continue;
      for (const r of decodeBatchRecords(bytes) ?? []) if (r.key !== null) latest.set(r.key.toString('latin1'), r.offset);
    }
    return latest;
  }

  private aborted(partition: Partition, header: BatchHeader): boolean {
    return (header.attributes & ATTR_TRANSACTIONAL) !== 0 && partition.txns.isAborted(header.producerId, header.baseOffset);
  }

  private judge(partition: Partition, header: BatchHeader, bytes: Buffer, latest: Map<string, number>, config: ResolvedTopicConfig, now: number): Verdict {
    if (header.attributes & ATTR_CONTROL) return { keep: 'all' };
    if (this.aborted(partition, header)) return { keep: 'none' };
    const records = decodeBatchRecords(bytes);
    if (records === null) return { keep: 'all' };
    const kept = records.filter((r) => {
      if (r.key === null) return true;
      if (latest.get(r.key.toString('latin1')) !== r.offset) return false;
      return r.value !== null || now - r.timestamp < config.deleteRetentionMs;
    });
    if (kept.length === records.length) return { keep: 'all' };
    return kept.length === 0 ? { keep: 'none' } : { keep: 'some', records: kept };
  }

  /** Replaces log `name` with a copy of the scratch log, then clears the journal and the scratch log. */
  private async replace(name: string, scratchName: string, config: Partial<LogConfig>): Promise<PartitionLog> {
    const scratch = await this.store.open(scratchName);
    await this.store.delete(name);
    const fresh = await this.store.open(name, config);
    await copyLog(scratch, fresh);
    await this.journal.write([[name, null]]);
    await this.store.delete(scratchName);
    return fresh;
  }

  /** Closes the journal.  */
  async close(): Promise<void> {
    await this.journal.close();
  }
}
