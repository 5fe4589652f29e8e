import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readlink } from 'node:fs/promises';
import { LOG_SUFFIX } from '../../src/storage/file/names.js';
import { MAX_OPEN_READ_HANDLES } from '../../src/storage/file/read-handles.js';
import { batchLastOffset, readBatchHeader } from '../../src/storage/record-batch.js';
import { StorageError, type PartitionLog } from '../../src/storage/types.js';
import { logDir, withFileStore } from './file-test-kit.js';
import { makeBatch, readAllValues } from './log-contract.js';

/**
 * This process's open descriptors on segment data files under `prefix`, as `fd -> target` (a
 * removed file's target ends in "(deleted)"). Checkpoint and index writes, which open their own
 * files briefly in the background, are not counted.
 */
async function descriptorsUnder(prefix: string): Promise<string[]> {
  const found: string[] = [];
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target.startsWith(prefix) && target.replace(/ \(deleted\)$/, '').endsWith(LOG_SUFFIX)) found.push(`${fd} -> ${target}`);
  }
  return found.sort();
}

/** Opens a log of many small segments holding 40 one-record batches. */
async function manySegments(store: { open(name: string, config: object): Promise<PartitionLog> }, name: string): Promise<PartitionLog> {
  const log = await store.open(name, { segmentBytes: 200, indexIntervalBytes: 1 });
  for (let i = 0; i < 40; i++) await log.append(makeBatch(`f${i}`));
  return log;
}

test('reads keep a bounded set of descriptors open, reuse them, and close them all on close', async () => {
  await withFileStore(async (store, dataDir) => {
    const dir = logDir(dataDir, 'fd');
    const log = await manySegments(store, 'fd');
    assert.ok((await readdir(dir)).filter((f) => f.endsWith(LOG_SUFFIX)).length > MAX_OPEN_READ_HANDLES + 2, 'the log spans many segments');
    const values = await readAllValues(log);
    for (let offset = 0; offset < 40; offset++) {
      const read = await log.read(offset, 1);
      const header = readBatchHeader(read.data);
      assert.ok(header.baseOffset <= offset && offset <= batchLastOffset(header));
    }
    assert.equal(values.get(39), 'f39-0');
    const open = await descriptorsUnder(dir);
    // The active segment's write handle plus at most MAX_OPEN_READ_HANDLES read handles.
    assert.ok(open.length <= MAX_OPEN_READ_HANDLES + 1, `open after 80 reads: ${open.join(', ')}`);
    const tail = await descriptorsUnder(dir);
    for (let i = 0; i < 20; i++) await log.read(39, 1024);
    assert.deepEqual(await descriptorsUnder(dir), tail, 'repeated reads of one segment reuse its descriptor');
    await log.close();
    assert.deepEqual(await descriptorsUnder(dir), [], 'close releases every descriptor');
  });
});

test('DeleteRecords and retention remove segments whose read handles are open, even mid-read', async () => {
  await withFileStore(async (store, dataDir) => {
    const dir = logDir(dataDir, 'gone');
    const log = await manySegments(store, 'gone');
    for (const offset of [0, 2, 4, 6]) await log.read(offset, 1);
    const inFlight = log.read(0, 1);
    await log.deleteRecordsBefore(10);
    const [outcome] = await Promise.allSettled([inFlight]);
    if (outcome.status === 'fulfilled') assert.equal(readBatchHeader(outcome.value.data).baseOffset, 0, 'a read that started first finishes');
    else assert.ok(outcome.reason instanceof StorageError && outcome.reason.code === 'OFFSET_OUT_OF_RANGE', String(outcome.reason));
    assert.deepEqual((await descriptorsUnder(dir)).filter((d) => d.endsWith('(deleted)')), [], 'no descriptor keeps a removed segment');
    await assert.rejects(log.read(9, 1), (err: unknown) => err instanceof StorageError && err.code === 'OFFSET_OUT_OF_RANGE');
    assert.equal((await log.read(10, 1)).nextOffset, 11);

    for (const offset of [10, 12, 14, 16]) await log.read(offset, 1);
    log.reconfigure({ retentionBytes: 600 });
    assert.ok((await log.applyRetention()) > 0);
    assert.ok(log.startOffset > 16, `start ${log.startOffset}`);
    assert.deepEqual((await descriptorsUnder(dir)).filter((d) => d.endsWith('(deleted)')), [], 'no descriptor keeps a removed segment');
    const values = await readAllValues(log);
    for (let i = log.startOffset; i < 40; i++) assert.equal(values.get(i), `f${i}-0`);
  });
});

test('deleting a log closes its read handles', async () => {
  await withFileStore(async (store, dataDir) => {
    const log = await manySegments(store, 'doomed');
    await readAllValues(log);
    assert.ok((await descriptorsUnder(dataDir)).length > 1, 'reads left handles open');
    await store.delete('doomed');
    assert.deepEqual(await descriptorsUnder(dataDir), []);
  });
});
