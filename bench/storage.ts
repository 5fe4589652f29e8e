/**
 * Storage benchmark: appends of one-record batches with a 1 KiB value, many in flight, through the
 * file engine in each fsync mode, next to a raw sequential file append of the same bytes under the
 * same sync policy (always: write + fdatasync per record; batch: one writev + one fdatasync per
 * window of CONCURRENCY records; never: one writev per window, no sync).
 *
 * CPU time per append (user + system, all threads of this process) is shown too: unlike
 * throughput, it hardly depends on what else the machine is running. The split columns give CPU,
 * write and fdatasync time as percentages of wall time (write and sync time are summed over the
 * calls, so overlapping calls can add up to more than the wall time).
 *
 * Each measurement is repeated ROUNDS times, raw and engine alternating so that load from other
 * processes hits both alike; the table shows medians. A full garbage collection runs before each
 * timed run, so that the inputs of earlier runs are not collected inside the next one's window.
 *
 * Usage: npm run bench:storage   (SWITCHYARD_BENCH_COUNT=<appends per mode>, default 20000;
 *        SWITCHYARD_BENCH_ROUNDS, default 3)
 */
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FileLogStore } from '../src/storage/file/file-log-store.js';
import type { FilePartitionLog } from '../src/storage/file/file-partition-log.js';
import { encodeBatch } from '../src/storage/record-batch.js';
import type { FsyncMode } from '../src/storage/types.js';

const COUNT = Number(process.env.SWITCHYARD_BENCH_COUNT ?? 20_000);
/** fdatasync per append is slow on real disks; that mode runs a tenth of the count. */
const ALWAYS_COUNT = Math.max(100, Math.floor(COUNT / 10));
const ROUNDS = Number(process.env.SWITCHYARD_BENCH_ROUNDS ?? 3);
const CONCURRENCY = 256;
const VALUE = Buffer.alloc(1024, 'x');

setFlagsFromString('--expose-gc');
/** A full garbage collection (exposed at run time: the npm script passes no V8 flags). */
const collectGarbage = runInNewContext('gc') as () => void;

interface Measured {
  appends: number;
  seconds: number;
  /** CPU time (user + system) of this process over the run. */
  cpuSeconds: number;
  bytes: number;
  fsyncs?: number;
  /** Milliseconds spent in writes and in fdatasyncs of appended data. */
  writeMs: number;
  syncMs: number;
}

/** Wall-clock and CPU seconds since `since`. */
function elapsed(since: { wall: bigint; cpu: NodeJS.CpuUsage }): { seconds: number; cpuSeconds: number } {
  const cpu = process.cpuUsage(since.cpu);
  return { seconds: Number(process.hrtime.bigint() - since.wall) / 1e9, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** The starting point of a timed run, after a full collection of earlier runs' garbage. */
function now(): { wall: bigint; cpu: NodeJS.CpuUsage } {
  collectGarbage();
  return { wall: process.hrtime.bigint(), cpu: process.cpuUsage() };
}

function batches(count: number): Buffer[] {
  const template = encodeBatch([{ key: null, value: VALUE }]);
  return Array.from({ length: count }, () => Buffer.from(template));
}

async function engine(dir: string, fsync: FsyncMode, count: number): Promise<Measured> {
  const store = await FileLogStore.open(dir, { fsync });
  const log = (await store.open('bench', { segmentBytes: 16 * 1024 * 1024 })) as FilePartitionLog;
  const inputs = batches(count);
  let next = 0;
  const started = now();
  const worker = async (): Promise<void> => {
    while (next < inputs.length) await log.append(inputs[next++]);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const time = elapsed(started);
  const { fsyncs, writeMs, syncMs } = log.stats;
  await store.close();
  return { appends: count, ...time, bytes: inputs.reduce((n, b) => n + b.length, 0), fsyncs, writeMs, syncMs };
}

async function raw(dir: string, fsync: FsyncMode, count: number): Promise<Measured> {
  const handle = await open(join(dir, 'raw.log'), 'w');
  const inputs = batches(count);
  const window = fsync === 'always' ? 1 : CONCURRENCY;
  let position = 0;
  let writeMs = 0;
  let syncMs = 0;
  const started = now();
  for (let i = 0; i < inputs.length; i += window) {
    const writeStarted = performance.now();
    const { bytesWritten } = await handle.writev(inputs.slice(i, i + window), position);
    const syncStarted = performance.now();
    writeMs += syncStarted - writeStarted;
    position += bytesWritten;
    if (fsync !== 'never') {
      await handle.datasync();
      syncMs += performance.now() - syncStarted;
    }
  }
  const time = elapsed(started);
  await handle.close();
  return { appends: count, ...time, bytes: position, writeMs, syncMs };
}

async function inTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-bench-storage-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const rows: string[][] = [
  ['mode', 'appends', 'appends/s', 'MB/s', 'raw appends/s', 'raw MB/s', 'ratio', 'fsyncs/s', 'appends/fsync', 'cpu us/append', 'raw cpu us/append', 'cpu/write/sync %', 'raw cpu/write/sync %'],
];
/** CPU, write and fdatasync time as percentages of the run's wall time. */
function split(m: Measured): string {
  return [m.cpuSeconds, m.writeMs / 1000, m.syncMs / 1000].map((s) => ((100 * s) / m.seconds).toFixed(0)).join('/');
}
/** The run whose throughput is the median of ROUNDS runs. */
function median(runs: Measured[]): Measured {
  return [...runs].sort((a, b) => a.appends / a.seconds - b.appends / b.seconds)[runs.length >> 1];
}

for (const mode of ['always', 'batch', 'never'] as const) {
  const count = mode === 'always' ? ALWAYS_COUNT : COUNT;
  const raws: Measured[] = [];
  const engines: Measured[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    raws.push(await inTempDir((dir) => raw(dir, mode, count)));
    engines.push(await inTempDir((dir) => engine(dir, mode, count)));
  }
  const base = median(raws);
  const ours = median(engines);
  const rate = (m: Measured) => m.appends / m.seconds;
  const mbps = (m: Measured) => m.bytes / m.seconds / 1e6;
  const synced = mode !== 'never' && ours.fsyncs !== undefined;
  rows.push([
    mode,
    String(count),
    rate(ours).toFixed(0),
    mbps(ours).toFixed(1),
    rate(base).toFixed(0),
    mbps(base).toFixed(1),
    (rate(ours) / rate(base)).toFixed(2),
    synced ? (ours.fsyncs! / ours.seconds).toFixed(0) : '-',
    synced ? (ours.appends / ours.fsyncs!).toFixed(1) : '-',
    ((ours.cpuSeconds / ours.appends) * 1e6).toFixed(2),
    ((base.cpuSeconds / base.appends) * 1e6).toFixed(2),
    split(ours),
    split(base),
  ]);
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const row of rows) console.log(row.map((cell, c) => cell.padStart(widths[c])).join('  '));
