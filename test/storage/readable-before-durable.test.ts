/**
 * A written batch is readable before the fdatasync that acknowledges it, a queue's settlement log
 * never names a message that is not yet durable, and appends nobody waits on share a deferred sync. The disk's flush is held back by replacing the
 * active segment's datasync with one the test releases.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BLOCKING_IO_MAX_BYTES } from '../../src/storage/file/durable-fs.js';
import type { FilePartitionLog } from '../../src/storage/file/file-partition-log.js';
import { QueueLog } from '../../src/storage/queue-log.js';
import { encodeBatch } from '../../src/storage/record-batch.js';
import { StorageError, type AppendResult, type PartitionLog } from '../../src/storage/types.js';
import { withFileStore } from './file-test-kit.js';
import { makeBatch, readAllValues } from './log-contract.js';

/** Makes the next fdatasyncs of `log`'s active segment wait until `release()` is called. */
function holdSyncs(log: PartitionLog): { release(): void; held(): number } {
  const segments = (log as unknown as { segments: { handle?: { datasync(): Promise<void> } }[] }).segments;
  const handle = segments[segments.length - 1].handle!;
  const real = handle.datasync.bind(handle);
  let gate!: () => void;
  const opened = new Promise<void>((resolve) => (gate = resolve));
  let held = 0;
  handle.datasync = async () => {
    held++;
    await opened;
    return real();
  };
  return { release: () => gate(), held: () => held };
}

/** Resolves once `check` holds, polling each turn (bounded by the test's timeout). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

test('a batch is readable once written and acknowledged only once synced', { timeout: 10_000 }, async () => {
  await withFileStore(async (store) => {
    const log = (await store.open('early')) as FilePartitionLog;
    await log.append(makeBatch('first'));
    const syncs = holdSyncs(log);
    let readableAt: AppendResult | undefined;
    let acknowledged = false;
    const append = log.append(makeBatch('second', 2), { onReadable: (result) => (readableAt = result) });
    void append.then(() => (acknowledged = true));
    await until(() => readableAt !== undefined && syncs.held() > 0);
    assert.deepEqual({ base: readableAt!.baseOffset, last: readableAt!.lastOffset }, { base: 1, last: 2 });
    assert.equal(log.highWatermark, 3, 'written records count in the high watermark');
    assert.deepEqual([...(await readAllValues(log)).values()], ['first-0', 'second-0', 'second-1']);
    assert.equal(await log.waitForData(2, 1000), true);
    assert.equal(acknowledged, false, 'not acknowledged before the fdatasync');
    syncs.release();
    assert.equal((await append).baseOffset, 1);
  }, { fsync: 'batch' });
});

test('a queue writes a settlement only once the message it settles is durable', { timeout: 10_000 }, async () => {
  await withFileStore(async (store) => {
    const queue = await QueueLog.open(store, 'queue.%2F.early');
    await queue.publish(makeBatch('m0'));
    const syncs = holdSyncs(queue.log);
    let readable = false;
    const published = queue.publish(makeBatch('m1'), () => (readable = true));
    await until(() => readable && syncs.held() > 0);
    queue.settle([0, 1], 'ack');
    assert.equal(queue.isSettled(1), true, 'settled in memory at once');
    const flushed = queue.flush();
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(queue.settlementLog, undefined, 'nothing written (not even the log created) while m1 is not durable');
    syncs.release();
    await published;
    await flushed;
    assert.ok(queue.settlementLog!.highWatermark > 0, 'written once m1 is durable');
    await queue.close();
  }, { fsync: 'batch' });
});

test('appends nobody waits on share a deferred fdatasync; an urgent one syncs them at once', { timeout: 10_000 }, async () => {
  await withFileStore(async (store) => {
    const log = (await store.open('deferred')) as FilePartitionLog;
    await log.append(makeBatch('first'));
    const syncsBefore = log.stats.fsyncs;
    const readable: number[] = [];
    const deferred: Promise<AppendResult>[] = [];
    for (let i = 0; i < 10; i++) {
      deferred.push(log.append(makeBatch(`lazy${i}`), { deferSync: true, onReadable: (r) => readable.push(r.baseOffset) }));
      // A millisecond apart: without deferral each append's sync would be done before the next one.
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await until(() => readable.length === 10);
    assert.equal(log.highWatermark, 11, 'every deferred append is readable once written');
    const settled = await Promise.all(deferred);
    assert.equal(settled[9].baseOffset, 10);
    const syncs = log.stats.fsyncs - syncsBefore;
    assert.ok(syncs <= 5, `${syncs} fdatasyncs for 10 deferred appends (one each without deferral)`);

    let acknowledged = false;
    const lazy = log.append(makeBatch('lazy-last'), { deferSync: true });
    void lazy.then(() => (acknowledged = true));
    await until(() => log.highWatermark === 12);
    await log.append(makeBatch('urgent'));
    assert.equal(acknowledged, true, 'the urgent append’s sync covered the deferred one written before it');
  }, { fsync: 'batch' });
});

test('a sync failing while the next group is being written rejects that group and lets the log close', { timeout: 10_000 }, async () => {
  await withFileStore(async (store) => {
    const log = (await store.open('sync-fails-mid-write')) as FilePartitionLog;
    await log.append(makeBatch('first'));
    const segments = (log as unknown as { segments: { handle?: FileHandleHooks }[] }).segments;
    const handle = segments[segments.length - 1].handle!;
    let failSync!: () => void;
    handle.datasync = () => new Promise<void>((_, reject) => (failSync = () => reject(new Error('EIO: i/o error, fdatasync'))));
    const first = log.append(makeBatch('a'));
    first.catch(() => undefined);
    await until(() => failSync !== undefined);
    const realWritev = handle.writev.bind(handle);
    let releaseWrite: (() => void) | undefined;
    handle.writev = async (...args: unknown[]) => {
      await new Promise<void>((resolve) => (releaseWrite = resolve));
      return realWritev(...args);
    };
    let readable = false;
    // Larger than a blocking write, so that it is written through the thread pool and can be held there.
    const large = encodeBatch([{ key: null, value: Buffer.alloc(BLOCKING_IO_MAX_BYTES + 1, 0x62) }]);
    const second = log.append(large, { onReadable: () => (readable = true) });
    await until(() => releaseWrite !== undefined);
    await capturing(async () => {
      failSync();
      await assert.rejects(first, isFsyncFailure);
      releaseWrite!();
      await assert.rejects(second, isFsyncFailure);
      assert.equal(readable, false, 'a group written after the failure is never readable');
      await log.close();
    });
  }, { fsync: 'batch' });
});

test('an onReadable listener that throws does not fail the log', { timeout: 10_000 }, async () => {
  await withFileStore(async (store) => {
    const log = await store.open('listener-throws');
    const heard: number[] = [];
    await capturing(async (lines) => {
      const appends = [
        log.append(makeBatch('x'), { onReadable: () => { throw new Error('listener bug'); } }),
        log.append(makeBatch('y'), { onReadable: (r) => heard.push(r.baseOffset) }),
      ];
      assert.deepEqual((await Promise.all(appends)).map((r) => r.baseOffset), [0, 1]);
      assert.ok(lines.some((line) => line.includes('listener bug')), 'the listener error is reported');
    });
    assert.deepEqual(heard, [1], 'later listeners of the group still run');
    assert.equal((await log.append(makeBatch('z'))).baseOffset, 2, 'the log keeps accepting appends');
  }, { fsync: 'batch' });
});

/** The parts of a segment's file handle these tests replace. */
interface FileHandleHooks {
  datasync(): Promise<void>;
  writev(...args: unknown[]): Promise<unknown>;
}

function isFsyncFailure(err: unknown): boolean {
  return err instanceof StorageError && err.code === 'FSYNC_FAILED';
}

/** Runs `body` with console.error captured (the log reports failures there); hands it the lines. */
async function capturing(body: (lines: string[]) => Promise<void>): Promise<void> {
  const original = console.error;
  const lines: string[] = [];
  console.error = (...args: unknown[]) => lines.push(args.map(String).join(' '));
  try {
    await body(lines);
  } finally {
    console.error = original;
  }
}
