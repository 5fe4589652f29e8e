/**
 * The behaviour every PartitionLog and LogStore must have, written once and run against each
 * engine (file and memory). Each test gets a fresh store from `makeStore` and cleans it up.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRecords, encodeBatch, readBatchHeader, splitBatches, verifyBatchCrc } from '../../src/storage/record-batch.js';
import { StorageError, type LogStore, type PartitionLog } from '../../src/storage/types.js';

/** A store under test and how to dispose of it. */
export interface StoreFixture {
  store: LogStore;
  cleanup(): Promise<void>;
}

/** Builds one uncompressed batch of `count` records whose values are `${prefix}-${i}`. */
export function makeBatch(prefix: string, count = 1, timestamp?: number): Buffer {
  const records = [];
  for (let i = 0; i < count; i++) records.push({ key: null, value: Buffer.from(`${prefix}-${i}`), timestamp });
  return encodeBatch(records);
}

/** Reads the log from `from` to its high watermark, returning every record value by offset. */
export async function readAllValues(log: PartitionLog, from = log.startOffset): Promise<Map<number, string>> {
  const values = new Map<number, string>();
  let offset = from;
  while (offset < log.highWatermark) {
    const result = await log.read(offset, 1024);
    assert.ok(result.data.length > 0, `read at ${offset} below the high watermark returned no data`);
    assert.ok(result.nextOffset > offset, `read at ${offset} did not advance`);
    for (const batch of splitBatches(result.data)) {
      assert.ok(verifyBatchCrc(batch), 'a batch read back fails its CRC');
      for (const record of decodeRecords(batch)) values.set(record.offset, record.value?.toString() ?? '');
    }
    offset = result.nextOffset;
  }
  return values;
}

async function assertRejectsWith(promise: Promise<unknown>, code: StorageError['code']): Promise<void> {
  await assert.rejects(promise, (err: unknown) => err instanceof StorageError && err.code === code);
}

/** Runs the shared PartitionLog / LogStore contract against the engine produced by `makeStore`. */
export function runLogContract(label: string, makeStore: () => Promise<StoreFixture>): void {
  /** Runs `body` with a fresh store, always cleaning it up. */
  async function withStore(body: (store: LogStore) => Promise<void>): Promise<void> {
    const fixture = await makeStore();
    try {
      await body(fixture.store);
    } finally {
      await fixture.cleanup();
    }
  }

  describe(`${label}: PartitionLog contract`, () => {
    it('starts empty', () =>
      withStore(async (store) => {
        const log = await store.open('empty');
        assert.equal(log.name, 'empty');
        assert.equal(log.startOffset, 0);
        assert.equal(log.highWatermark, 0);
        const result = await log.read(0, 1024);
        assert.equal(result.data.length, 0);
        assert.equal(result.nextOffset, 0);
        assert.equal(await log.offsetForTimestamp(0), undefined);
      }));

    it('assigns dense offsets, one per record, in call order', () =>
      withStore(async (store) => {
        const log = await store.open('dense');
        const first = await log.append(makeBatch('a', 3));
        assert.deepEqual([first.baseOffset, first.lastOffset], [0, 2]);
        const concurrent = await Promise.all(Array.from({ length: 20 }, (_, i) => log.append(makeBatch(`c${i}`, 2))));
        concurrent.forEach((r, i) => assert.deepEqual([r.baseOffset, r.lastOffset], [3 + 2 * i, 4 + 2 * i]));
        assert.equal(log.highWatermark, 43);
        assert.ok(log.sizeBytes > 0);
      }));

    it('reads back the same records with the base offset stamped and the CRC intact', () =>
      withStore(async (store) => {
        const log = await store.open('roundtrip');
        const appended = new Map<number, string>();
        for (let b = 0; b < 10; b++) {
          const { baseOffset } = await log.append(makeBatch(`b${b}`, 1 + (b % 3)));
          for (let i = 0; i < 1 + (b % 3); i++) appended.set(baseOffset + i, `b${b}-${i}`);
        }
        assert.deepEqual(await readAllValues(log, 0), appended);
      }));

    it('returns the whole batch containing the asked offset, and at least one batch', () =>
      withStore(async (store) => {
        const log = await store.open('whole');
        await log.append(makeBatch('x', 4));
        await log.append(makeBatch('y', 4));
        const middle = await log.read(5, 1);
        const header = readBatchHeader(middle.data);
        assert.equal(header.baseOffset, 4);
        assert.equal(splitBatches(middle.data).length, 1);
        assert.equal(middle.nextOffset, 8);
        assert.equal(middle.highWatermark, 8);
        const all = await log.read(0, 1 << 20);
        assert.equal(splitBatches(all.data).length, 2);
        assert.equal(all.nextOffset, 8);
      }));

    it('answers a read at the high watermark with no data and rejects reads beyond it', () =>
      withStore(async (store) => {
        const log = await store.open('bounds');
        await log.append(makeBatch('a', 2));
        const atEnd = await log.read(2, 1024);
        assert.equal(atEnd.data.length, 0);
        assert.equal(atEnd.nextOffset, 2);
        await assertRejectsWith(log.read(3, 1024), 'OFFSET_OUT_OF_RANGE');
        await assertRejectsWith(log.read(-1, 1024), 'OFFSET_OUT_OF_RANGE');
      }));

    it('rejects a batch with a bad CRC, a truncated batch and a batch over maxBatchBytes', () =>
      withStore(async (store) => {
        const log = await store.open('invalid', { maxBatchBytes: 1000 });
        const flipped = makeBatch('a', 2);
        flipped[flipped.length - 1] ^= 0x01;
        await assertRejectsWith(log.append(flipped), 'CORRUPT_BATCH');
        await assertRejectsWith(log.append(makeBatch('a', 2).subarray(0, 40)), 'CORRUPT_BATCH');
        await assertRejectsWith(log.append(makeBatch('a', 2).subarray(0, 70)), 'CORRUPT_BATCH');
        await assertRejectsWith(log.append(makeBatch('big'.repeat(400))), 'BATCH_TOO_LARGE');
        assert.equal(log.highWatermark, 0);
        const ok = await log.append(makeBatch('good'));
        assert.equal(ok.baseOffset, 0);
      }));

    it('with verified, skips only the CRC: a malformed or oversized batch is still refused', () =>
      withStore(async (store) => {
        const log = await store.open('verified', { maxBatchBytes: 1000 });
        const verified = { verified: true };
        await assertRejectsWith(log.append(makeBatch('a', 2).subarray(0, 40), verified), 'CORRUPT_BATCH');
        await assertRejectsWith(log.append(makeBatch('a', 2).subarray(0, 70), verified), 'CORRUPT_BATCH');
        const badMagic = makeBatch('a');
        badMagic[16] = 1;
        await assertRejectsWith(log.append(badMagic, verified), 'CORRUPT_BATCH');
        await assertRejectsWith(log.append(makeBatch('big'.repeat(400)), verified), 'BATCH_TOO_LARGE');
        assert.equal(log.highWatermark, 0);
        const good = makeBatch('good', 3);
        assert.equal((await log.append(good, verified)).baseOffset, 0);
        const read = await log.read(0, 1024);
        assert.ok(verifyBatchCrc(read.data), 'the stored batch keeps its CRC');
        assert.equal((await readAllValues(log)).get(2), 'good-2');
      }));

    it('finds the first offset whose batch reaches a timestamp', () =>
      withStore(async (store) => {
        const log = await store.open('times', { segmentBytes: 300 });
        const base = 1_700_000_000_000;
        for (let i = 0; i < 12; i++) await log.append(makeBatch(`t${i}`, 2, base + i * 1000));
        assert.equal(await log.offsetForTimestamp(0), 0);
        assert.equal(await log.offsetForTimestamp(base), 0);
        assert.equal(await log.offsetForTimestamp(base + 1), 2);
        assert.equal(await log.offsetForTimestamp(base + 5000), 10);
        assert.equal(await log.offsetForTimestamp(base + 11_000), 22);
        assert.equal(await log.offsetForTimestamp(base + 11_001), undefined);
      }));

    it('long-polls: waitForData resolves on append, at once if data exists, false on timeout', () =>
      withStore(async (store) => {
        const log = await store.open('wait');
        assert.equal(await log.waitForData(0, 10), false);
        const waiting = log.waitForData(0, 10_000);
        await log.append(makeBatch('w'));
        assert.equal(await waiting, true);
        assert.equal(await log.waitForData(0, 10_000), true);
        assert.equal(await log.waitForData(1, 10), false);
      }));

    it('deleteRecordsBefore moves the start offset and keeps later data readable', () =>
      withStore(async (store) => {
        const log = await store.open('delete-records', { segmentBytes: 200 });
        for (let i = 0; i < 20; i++) await log.append(makeBatch(`d${i}`, 2));
        const sizeBefore = log.sizeBytes;
        await log.deleteRecordsBefore(25);
        assert.equal(log.startOffset, 25);
        assert.ok(log.sizeBytes < sizeBefore, 'segments wholly below the new start are deleted');
        await assertRejectsWith(log.read(24, 1024), 'OFFSET_OUT_OF_RANGE');
        const first = await log.read(25, 1);
        assert.equal(readBatchHeader(first.data).baseOffset, 24, 'the batch containing the start offset');
        const values = await readAllValues(log, 25);
        for (let offset = 25; offset < 40; offset++) assert.equal(values.get(offset), `d${offset >> 1}-${offset & 1}`);
        assert.equal((await log.read(25, 1 << 20)).startOffset, 25);
        await log.deleteRecordsBefore(10);
        assert.equal(log.startOffset, 25, 'the start offset never moves back');
        const next = await log.append(makeBatch('after'));
        assert.equal(next.baseOffset, 40);
      }));

    it('deleteRecordsBefore accepts the high watermark and rejects offsets beyond it', () =>
      withStore(async (store) => {
        const log = await store.open('delete-all', { segmentBytes: 200 });
        for (let i = 0; i < 10; i++) await log.append(makeBatch(`e${i}`, 2));
        await assertRejectsWith(log.deleteRecordsBefore(21), 'OFFSET_OUT_OF_RANGE');
        await log.deleteRecordsBefore(20);
        assert.equal(log.startOffset, 20);
        assert.equal((await log.read(20, 1024)).data.length, 0);
        await assertRejectsWith(log.read(19, 1024), 'OFFSET_OUT_OF_RANGE');
        assert.equal((await log.append(makeBatch('next'))).baseOffset, 20);
        assert.equal((await readAllValues(log)).get(20), 'next-0');
      }));

    it('retention by bytes deletes the oldest sealed segments only', () =>
      withStore(async (store) => {
        const segmentBytes = 300;
        const log = await store.open('retain-bytes', { segmentBytes });
        for (let i = 0; i < 40; i++) await log.append(makeBatch(`r${i}`, 1));
        assert.equal(await log.applyRetention(), 0, 'no limit by default');
        log.reconfigure({ retentionBytes: 3 * segmentBytes });
        assert.equal(log.config.retentionBytes, 3 * segmentBytes);
        const deleted = await log.applyRetention();
        assert.ok(deleted > 0);
        assert.ok(log.startOffset > 0);
        assert.ok(log.sizeBytes <= 4 * segmentBytes, `size ${log.sizeBytes} after retention`);
        assert.equal(log.highWatermark, 40);
        const values = await readAllValues(log);
        assert.equal(values.get(39), 'r39-0');
      }));

    it('retention by time deletes sealed segments whose newest batch is too old, never the active one', () =>
      withStore(async (store) => {
        const now = Date.now();
        const old = now - 3_600_000;
        const log = await store.open('retain-time', { segmentBytes: 300, retentionMs: 60_000 });
        for (let i = 0; i < 20; i++) await log.append(makeBatch(`old${i}`, 1, old));
        for (let i = 0; i < 20; i++) await log.append(makeBatch(`new${i}`, 1, now));
        assert.ok((await log.applyRetention(now)) > 0);
        assert.ok(log.startOffset > 0 && log.startOffset <= 20, `start offset ${log.startOffset}`);
        const values = await readAllValues(log);
        for (let i = 0; i < 20; i++) assert.equal(values.get(20 + i), `new${i}-0`);

        const single = await store.open('retain-time-active', { retentionMs: 60_000 });
        await single.append(makeBatch('only', 1, old));
        assert.equal(await single.applyRetention(now), 0);
        assert.equal(single.startOffset, 0);
      }));

    it('rejects calls after close and keeps the data for the next open', () =>
      withStore(async (store) => {
        const log = await store.open('reopen');
        await log.append(makeBatch('kept', 3));
        await log.close();
        await assertRejectsWith(log.append(makeBatch('late')), 'LOG_CLOSED');
        await assertRejectsWith(log.read(0, 1024), 'LOG_CLOSED');
        const again = await store.open('reopen');
        assert.equal(again.highWatermark, 3);
        assert.deepEqual([...(await readAllValues(again, 0)).values()], ['kept-0', 'kept-1', 'kept-2']);
        assert.equal((await again.append(makeBatch('more'))).baseOffset, 3);
      }));
  });

  describe(`${label}: LogStore contract`, () => {
    it('lists logs by their original names, whatever characters they hold', () =>
      withStore(async (store) => {
        const names = ['orders-3', 'queue.%2F.jobs', 'a/b\\c:d', 'ünïcödé', '..', 'x.settled'];
        for (const name of names) await (await store.open(name)).append(makeBatch(name));
        assert.deepEqual((await store.list()).sort(), [...names].sort());
        for (const name of names) {
          const values = await readAllValues(await store.open(name), 0);
          assert.equal(values.get(0), `${name}-0`, 'logs are independent');
        }
      }));

    it('delete removes a log and its data', () =>
      withStore(async (store) => {
        const log = await store.open('doomed');
        await log.append(makeBatch('gone', 2));
        await store.open('survivor');
        await store.delete('doomed');
        assert.deepEqual(await store.list(), ['survivor']);
        await assertRejectsWith(log.append(makeBatch('late')), 'LOG_CLOSED');
        const fresh = await store.open('doomed');
        assert.equal(fresh.highWatermark, 0);
      }));

    it('close closes every open log', () =>
      withStore(async (store) => {
        const log = await store.open('closing');
        await log.append(makeBatch('c'));
        const waiting = log.waitForData(1, 10_000);
        await store.close();
        assert.equal(await waiting, false, 'a long poll ends when the log closes');
        await assertRejectsWith(log.append(makeBatch('late')), 'LOG_CLOSED');
      }));
  });
}
