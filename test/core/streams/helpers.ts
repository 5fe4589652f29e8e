/** Shared set-up for the streams core tests: brokers over memory or file stores, and record helpers. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamBroker, type StreamBrokerOptions } from '../../../src/core/streams/index.js';
import { FileLogStore } from '../../../src/storage/file/file-log-store.js';
import { MemoryLogStore } from '../../../src/storage/memory-store.js';
import { decodeRecords, encodeBatch, splitBatches, type BatchOptions, type DecodedRecord } from '../../../src/storage/record-batch.js';
import type { LogStore } from '../../../src/storage/types.js';

/** Options that keep group timers short for tests; the initial delay lets concurrent first joins share one generation. */
export const FAST_GROUPS: StreamBrokerOptions = { groupMinSessionTimeoutMs: 10, groupInitialRebalanceDelayMs: 50, maintenanceIntervalMs: 60_000 };

/** A broker over a fresh memory store. */
export async function memoryBroker(options: StreamBrokerOptions = {}): Promise<{ broker: StreamBroker; store: MemoryLogStore }> {
  const store = new MemoryLogStore();
  return { broker: await StreamBroker.open(store, { ...FAST_GROUPS, ...options }), store };
}

/** A temporary data directory with brokers that can be stopped and reopened over it. */
export class FileBrokerDir {
  private store: LogStore | null = null;
  private constructor(readonly dir: string) {}

  static async create(): Promise<FileBrokerDir> {
    return new FileBrokerDir(await mkdtemp(join(tmpdir(), 'switchyard-streams-')));
  }

  /** Opens a store and broker over the directory (close the previous one first). */
  async open(options: StreamBrokerOptions = {}): Promise<StreamBroker> {
    this.store = await FileLogStore.open(this.dir, { fsync: 'never' });
    return StreamBroker.open(this.store, { ...FAST_GROUPS, ...options });
  }

  /** Closes the broker and its store. */
  async stop(broker: StreamBroker): Promise<void> {
    await broker.close();
    await this.store?.close();
    this.store = null;
  }

  /** Removes the directory. */
  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** One batch of string-keyed records (null key/value allowed). */
export function batchOf(records: { key?: string | null; value: string | null; timestamp?: number }[], options: BatchOptions = {}): Buffer {
  return encodeBatch(
    records.map((r) => ({
      key: r.key === undefined || r.key === null ? null : Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(r.value),
      timestamp: r.timestamp,
    })),
    options,
  );
}

/** A record as tests compare it. */
export interface SimpleRecord {
  offset: number;
  key: string | null;
  value: string | null;
}

/** Every record of the batches in `data` at or after `from` (control batches included when asked). */
export function recordsIn(data: Buffer, from = 0, includeControl = false): SimpleRecord[] {
  const out: SimpleRecord[] = [];
  for (const batch of splitBatches(data)) {
    const control = (batch.readInt16BE(21) & 0x20) !== 0;
    if (control && !includeControl) continue;
    for (const r of decodeRecords(batch) as DecodedRecord[]) {
      if (r.offset < from) continue;
      out.push({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null });
    }
  }
  return out;
}

/** Reads every record of a partition from `from` to its end (read_uncommitted). */
export async function readAll(broker: StreamBroker, topic: string, partition = 0, from = 0): Promise<SimpleRecord[]> {
  const out: SimpleRecord[] = [];
  let offset = from;
  for (;;) {
    const res = await broker.fetch(topic, partition, offset, 1 << 20, 0);
    if (res.errorCode !== 0) throw new Error(`fetch error ${res.errorCode}`);
    if (res.records.length === 0) return out;
    const batches = splitBatches(res.records);
    out.push(...recordsIn(res.records, offset));
    const last = batches[batches.length - 1];
    offset = Number(last.readBigInt64BE(0)) + last.readInt32BE(23) + 1;
  }
}
