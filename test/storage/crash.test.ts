import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FileLogStore } from '../../src/storage/file/file-log-store.js';
import { decodeRecords, encodeBatch, splitBatches, verifyBatchCrc } from '../../src/storage/record-batch.js';
import type { PartitionLog } from '../../src/storage/types.js';
import { withTempDir } from '../support/temp-dir.js';
import { CRASH_LOG, CRASH_LOG_CONFIG, crashRecordValue } from './crash-kit.js';

const CYCLES = Number(process.env.SWITCHYARD_CRASH_CYCLES ?? 50);
const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const MODES = ['batch', 'always', 'never'] as const;

/** Runs the child until it has acknowledged something, kills it after a random delay, returns its complete output lines. */
async function runAndKill(dataDir: string, cycle: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, MODES[cycle % MODES.length], String(cycle)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('latin1');
      if (out.includes('\n')) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => void (err += chunk.toString()));
    void exited.then(() => resolve());
  });
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
  child.kill('SIGKILL');
  await exited;
  assert.equal(child.signalCode, 'SIGKILL', `child exited on its own: ${err}`);
  return out.split('\n').slice(0, -1);
}

/** Reads every record of the log, checking CRCs and that offsets are dense. */
async function readRecords(log: PartitionLog): Promise<Map<number, Buffer>> {
  const records = new Map<number, Buffer>();
  let offset = log.startOffset;
  while (offset < log.highWatermark) {
    const result = await log.read(offset, 64 * 1024);
    for (const batch of splitBatches(result.data)) {
      assert.ok(verifyBatchCrc(batch));
      for (const record of decodeRecords(batch)) records.set(record.offset, record.value!);
    }
    offset = result.nextOffset;
  }
  assert.deepEqual([...records.keys()], Array.from({ length: log.highWatermark - log.startOffset }, (_, i) => log.startOffset + i), 'offsets are dense');
  return records;
}

test(`every acknowledged append survives ${CYCLES} SIGKILLs`, { timeout: 600_000 }, async () => {
  await withTempDir(async (dataDir) => {
    const acknowledged = new Map<number, Buffer>();
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      for (const line of await runAndKill(dataDir, cycle)) {
        const [base, count, prefix] = line.split(' ');
        for (let i = 0; i < Number(count); i++) acknowledged.set(Number(base) + i, crashRecordValue(prefix, i));
      }
      const store = await FileLogStore.open(dataDir);
      const log = await store.open(CRASH_LOG, CRASH_LOG_CONFIG);
      const records = await readRecords(log);
      for (const [offset, value] of acknowledged) assert.deepEqual(records.get(offset), value, `acknowledged offset ${offset} after cycle ${cycle}`);
      const { baseOffset } = await log.append(encodeBatch([{ key: null, value: crashRecordValue(`parent${cycle}`, 0) }]));
      assert.equal(baseOffset, log.highWatermark - 1, 'appends continue after the last record');
      acknowledged.set(baseOffset, crashRecordValue(`parent${cycle}`, 0));
      await store.close();
    }
    assert.ok(acknowledged.size > CYCLES * 2, `only ${acknowledged.size} acknowledged records`);
  });
});
