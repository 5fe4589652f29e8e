import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import fc from 'fast-check';
import { FileLogStore } from '../../src/storage/file/file-log-store.js';
import type { FilePartitionLog } from '../../src/storage/file/file-partition-log.js';
import { CLEAN_SHUTDOWN_FILE, INDEX_SUFFIX, LOG_SUFFIX } from '../../src/storage/file/names.js';
import { batchLastOffset, encodeBatch, readBatchHeader, splitBatches, verifyBatchCrc } from '../../src/storage/record-batch.js';
import type { PartitionLog } from '../../src/storage/types.js';
import { withTempDir } from '../support/temp-dir.js';
import { filesWithSuffix, logDir, withFileStore } from './file-test-kit.js';
import { makeBatch, readAllValues } from './log-contract.js';

/** A batch shape: record count, value size and timestamp. */
const batchSpec = fc.record({ count: fc.integer({ min: 1, max: 4 }), size: fc.integer({ min: 0, max: 120 }), timestamp: fc.integer({ min: 0, max: 1_000_000 }) });
const layout = fc.record({ segmentBytes: fc.integer({ min: 150, max: 2000 }), indexIntervalBytes: fc.integer({ min: 1, max: 600 }) });

async function appendSpecs(log: PartitionLog, specs: { count: number; size: number; timestamp: number }[]): Promise<void> {
  for (const [i, spec] of specs.entries()) {
    const records = Array.from({ length: spec.count }, (_, r) => ({ key: null, value: Buffer.alloc(spec.size, 97 + ((i + r) % 26)), timestamp: spec.timestamp }));
    await log.append(encodeBatch(records));
  }
}

/** Checks that a read at every offset returns whole, valid batches starting with the one holding it. */
async function checkEveryOffset(log: PartitionLog, maxBytes: number): Promise<void> {
  for (let offset = log.startOffset; offset < log.highWatermark; offset++) {
    const result = await log.read(offset, maxBytes);
    const batches = splitBatches(result.data);
    assert.ok(batches.length >= 1);
    const first = readBatchHeader(batches[0]);
    assert.ok(first.baseOffset <= offset && offset <= batchLastOffset(first), `read(${offset}) starts with ${first.baseOffset}`);
    assert.ok(batches.length === 1 || result.data.length <= maxBytes, 'only a single batch may exceed maxBytes');
    let expected = first.baseOffset;
    for (const batch of batches) {
      assert.ok(verifyBatchCrc(batch));
      const header = readBatchHeader(batch);
      assert.equal(header.baseOffset, expected, 'batches are contiguous');
      expected = batchLastOffset(header) + 1;
    }
    assert.equal(result.nextOffset, expected);
  }
}

/** Each segment stays within segmentBytes (unless it holds one batch) and rolled only when the next batch did not fit. */
async function checkRolls(dir: string, segmentBytes: number): Promise<void> {
  const segments = await Promise.all((await filesWithSuffix(dir, LOG_SUFFIX)).map((f) => readFile(f)));
  segments.forEach((data, i) => {
    const batches = splitBatches(data);
    assert.ok(data.length <= segmentBytes || batches.length === 1, `segment ${i} holds ${data.length} bytes`);
    if (i + 1 < segments.length) assert.ok(data.length + splitBatches(segments[i + 1])[0].length > segmentBytes, `segment ${i} rolled early`);
  });
}

/** First batch (by offset) whose max timestamp reaches `t`, by brute force over the specs. */
function expectedOffsetForTimestamp(specs: { count: number; timestamp: number }[], t: number): number | undefined {
  let offset = 0;
  for (const spec of specs) {
    if (spec.timestamp >= t) return offset;
    offset += spec.count;
  }
  return undefined;
}

test('reads at every offset return the batch holding it, across rolls, indexes and reopens', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(batchSpec, { minLength: 1, maxLength: 30 }), layout, fc.integer({ min: 1, max: 400 }), async (specs, config, maxBytes) => {
      await withFileStore(async (store, dataDir) => {
        const log = await store.open('p', config);
        await appendSpecs(log, specs);
        await checkEveryOffset(log, maxBytes);
        await checkRolls(logDir(dataDir, 'p'), config.segmentBytes);
        await log.close();
        const reopened = await store.open('p', config);
        assert.equal(reopened.highWatermark, specs.reduce((n, s) => n + s.count, 0));
        await checkEveryOffset(reopened, maxBytes);
      });
    }),
    { numRuns: 12 },
  );
});

test('offsetForTimestamp matches a linear search, with saved and with rebuilt indexes', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(batchSpec, { minLength: 1, maxLength: 30 }), layout, fc.array(fc.integer({ min: -1, max: 1_000_001 }), { maxLength: 10 }), async (specs, config, probes) => {
      await withFileStore(async (store, dataDir) => {
        const log = await store.open('t', config);
        await appendSpecs(log, specs);
        const check = async (l: PartitionLog) => {
          for (const t of [...probes, ...specs.map((s) => s.timestamp)]) assert.equal(await l.offsetForTimestamp(t), expectedOffsetForTimestamp(specs, t), `timestamp ${t}`);
        };
        await check(log);
        await log.close();
        await check(await store.open('t', config));
        await (await store.open('t')).close();
        await rm(`${logDir(dataDir, 't')}/${CLEAN_SHUTDOWN_FILE}`);
        await check(await store.open('t', config));
      });
    }),
    { numRuns: 10 },
  );
});

test('segmentMs rolls a segment by age', async () => {
  await withFileStore(async (store, dataDir) => {
    const log = await store.open('aged', { segmentMs: 0 });
    for (let i = 0; i < 4; i++) await log.append(makeBatch(`a${i}`));
    assert.equal((await filesWithSuffix(logDir(dataDir, 'aged'), LOG_SUFFIX)).length, 4);
    log.reconfigure({ segmentMs: 3_600_000 });
    for (let i = 0; i < 4; i++) await log.append(makeBatch(`b${i}`));
    assert.equal((await filesWithSuffix(logDir(dataDir, 'aged'), LOG_SUFFIX)).length, 4, 'no roll once segments may age');
    assert.equal((await readAllValues(log)).size, 8);
  });
});

test('concurrent appends share fsyncs in batch mode; always syncs each; never syncs none', async () => {
  for (const fsync of ['batch', 'always', 'never'] as const) {
    await withFileStore(async (store) => {
      const log = (await store.open('g', { fsync })) as FilePartitionLog;
      const pending = Array.from({ length: 200 }, (_, i) => log.append(makeBatch(`g${i}`)));
      assert.equal(log.highWatermark, 0, 'nothing is visible before it is acknowledged');
      const results = await Promise.all(pending);
      results.forEach((r, i) => assert.equal(r.baseOffset, i));
      assert.equal(log.highWatermark, 200);
      assert.equal(log.stats.appends, 200);
      if (fsync === 'batch') assert.ok(log.stats.fsyncs <= 20, `${log.stats.fsyncs} fsyncs for 200 appends`);
      if (fsync === 'always') assert.equal(log.stats.fsyncs, 200);
      if (fsync === 'never') assert.equal(log.stats.fsyncs, 0);
      assert.equal((await readAllValues(log)).get(199), 'g199-0');
    });
  }
});

test('appends awaited one after another let timers run in every sync mode', async () => {
  for (const fsync of ['batch', 'always', 'never'] as const) {
    await withFileStore(async (store) => {
      const log = await store.open('turns', { fsync });
      let turns = 0;
      const ticker = setInterval(() => turns++, 0);
      try {
        const until = performance.now() + 50;
        for (let i = 0; performance.now() < until || i < 20; i++) await log.append(makeBatch(`t${i}`));
      } finally {
        clearInterval(ticker);
      }
      // Small writes block instead of going through the thread pool; the loop must still yield.
      assert.ok(turns > 0, `${fsync}: no timer ran during 50 ms of appends`);
    });
  }
});

test('the start offset moved by deleteRecordsBefore and retention survives clean and unclean reopens', async () => {
  await withFileStore(async (store, dataDir) => {
    const config = { segmentBytes: 200 };
    const log = await store.open('s', config);
    for (let i = 0; i < 30; i++) await log.append(makeBatch(`s${i}`, 1, 1000 + i));
    await log.deleteRecordsBefore(7);
    await log.close();
    let again = await store.open('s', config);
    assert.equal(again.startOffset, 7);
    again.reconfigure({ retentionBytes: 600 });
    const deleted = await again.applyRetention();
    assert.ok(deleted > 0);
    const start = again.startOffset;
    assert.ok(start > 7);
    const dir = logDir(dataDir, 's');
    const bases = (await filesWithSuffix(dir, LOG_SUFFIX)).map((f) => Number(f.slice(-24, -4)));
    assert.equal(bases[0], start, 'segment files below the start offset are deleted');
    await again.close();
    await rm(`${dir}/${CLEAN_SHUTDOWN_FILE}`);
    again = await store.open('s', config);
    assert.equal(again.startOffset, start);
    const values = await readAllValues(again);
    assert.equal(values.size, 30 - start);
    assert.equal(values.get(29), 's29-0');
  });
});

test('a clean close leaves a marker and indexes; open takes the marker away', async () => {
  await withFileStore(async (store, dataDir) => {
    const dir = logDir(dataDir, 'm');
    const log = await store.open('m', { segmentBytes: 300, indexIntervalBytes: 100 });
    for (let i = 0; i < 20; i++) await log.append(makeBatch(`m${i}`));
    assert.ok(!(await readdir(dir)).includes(CLEAN_SHUTDOWN_FILE));
    await log.close();
    assert.ok((await readdir(dir)).includes(CLEAN_SHUTDOWN_FILE));
    const indexes = await filesWithSuffix(dir, INDEX_SUFFIX);
    assert.equal(indexes.length, (await filesWithSuffix(dir, LOG_SUFFIX)).length);
    assert.ok((await stat(indexes[0])).size > 0, 'sealed segments have index entries');
    const again = await store.open('m');
    assert.ok(!(await readdir(dir)).includes(CLEAN_SHUTDOWN_FILE));
    assert.equal((await again.append(makeBatch('next'))).baseOffset, 20);
  });
});

test('the store lists, deletes and reopens logs across store restarts', async () => {
  await withTempDir(async (dataDir) => {
    let store = await FileLogStore.open(dataDir, { defaults: { segmentBytes: 500 } });
    await (await store.open('keep/1')).append(makeBatch('k'));
    await (await store.open('drop')).append(makeBatch('d'));
    await store.delete('drop');
    await store.close();
    await assert.rejects(store.open('late'), { code: 'LOG_CLOSED' });
    store = await FileLogStore.open(dataDir);
    assert.deepEqual(await store.list(), ['keep/1']);
    assert.equal((await readAllValues(await store.open('keep/1'))).get(0), 'k-0');
    await store.close();
  });
});

test('time retention after a reopen still knows the newest timestamp of each sealed segment', async () => {
  for (const clean of [true, false]) {
    await withFileStore(async (store, dataDir) => {
      const config = { segmentBytes: 300, indexIntervalBytes: 80 };
      const log = await store.open('r', config);
      const now = 10_000_000;
      for (let i = 0; i < 30; i++) await log.append(makeBatch(`r${i}`, 1, i < 20 ? now - 100_000 + i : now));
      await log.close();
      if (!clean) await rm(`${logDir(dataDir, 'r')}/${CLEAN_SHUTDOWN_FILE}`);
      const again = await store.open('r', { ...config, retentionMs: 50_000 });
      assert.ok((await again.applyRetention(now)) > 0);
      assert.ok(again.startOffset > 0 && again.startOffset <= 20, `start ${again.startOffset}`);
      const values = await readAllValues(again);
      for (let i = 20; i < 30; i++) assert.equal(values.get(i), `r${i}-0`);
      assert.equal(await again.applyRetention(now), 0, 'segments with recent batches stay');
    });
  }
});
