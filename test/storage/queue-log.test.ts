import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryLogStore } from '../../src/storage/memory-store.js';
import { FileLogStore } from '../../src/storage/file/file-log-store.js';
import { encodeBatch } from '../../src/storage/record-batch.js';
import { QueueLog, settlementLogName, type QueueLogOptions } from '../../src/storage/queue-log.js';
import { StorageError, type LogStore } from '../../src/storage/types.js';
import { makeBatch, readAllValues } from './log-contract.js';

/**
 * A store that can be restarted: `restart` closes it and returns the store a new process would
 * see; `crash` returns that store without closing anything first.
 */
interface RestartableStore {
  store: LogStore;
  restart(): Promise<LogStore>;
  crash(): Promise<LogStore>;
  cleanup(): Promise<void>;
}

const engines: { label: string; make(): Promise<RestartableStore> }[] = [
  {
    label: 'memory store',
    async make() {
      const store = new MemoryLogStore();
      return { store, restart: async () => store, crash: async () => store, cleanup: () => store.close() };
    },
  },
  {
    label: 'file store',
    async make() {
      const dir = await mkdtemp(join(tmpdir(), 'switchyard-queue-'));
      const stores = [await FileLogStore.open(dir, { fsync: 'batch' })];
      const reopen = async (): Promise<LogStore> => {
        stores.push(await FileLogStore.open(dir, { fsync: 'batch' }));
        return stores[stores.length - 1];
      };
      return {
        store: stores[0],
        async restart() {
          await stores[stores.length - 1].close();
          return reopen();
        },
        crash: reopen,
        async cleanup() {
          for (const store of stores) await store.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
];

/** Publishes `count` one-record messages valued `m-<offset>` in batches of up to `perBatch`. */
async function publishMessages(queue: QueueLog, count: number, perBatch = 1): Promise<void> {
  for (let sent = 0; sent < count; ) {
    const n = Math.min(perBatch, count - sent);
    const records = [];
    for (let i = 0; i < n; i++) records.push({ key: null, value: Buffer.from(`m-${queue.log.highWatermark + i}`) });
    await queue.publish(encodeBatch(records));
    sent += n;
  }
}

/** Every unsettled offset, in order, by iterating nextUnsettled. */
function unsettledOffsets(queue: QueueLog): number[] {
  const out: number[] = [];
  for (let offset = queue.nextUnsettled(0); offset !== undefined; offset = queue.nextUnsettled(offset + 1)) out.push(offset);
  return out;
}

/** A deterministic shuffle (so failures reproduce). */
function shuffled(values: number[], seed: number): number[] {
  const out = [...values];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}

for (const engine of engines) {
  describe(`QueueLog on the ${engine.label}`, () => {
    async function withStore(body: (fixture: RestartableStore) => Promise<void>): Promise<void> {
      const fixture = await engine.make();
      try {
        await body(fixture);
      } finally {
        await fixture.cleanup();
      }
    }

    it('redelivers exactly the unsettled messages after a restart, with their delivery counts', () =>
      withStore(async (fixture) => {
        let queue = await QueueLog.open(fixture.store, 'queue.%2F.jobs');
        await publishMessages(queue, 300, 7);
        const toSettle = shuffled(range(0, 300), 7).slice(0, 220);
        queue.settle(toSettle.slice(0, 100), 'ack');
        queue.settle(toSettle.slice(100, 150), 'expired');
        await queue.settleAsync(toSettle.slice(150), 'dead-lettered');
        const remaining = range(0, 300).filter((o) => !toSettle.includes(o));
        const [once, thrice] = remaining;
        assert.equal(queue.recordReturn(once), 1);
        for (let i = 1; i <= 3; i++) assert.equal(queue.recordReturn(thrice), i);
        queue.recordReturn(toSettle[0]);
        assert.deepEqual(unsettledOffsets(queue), remaining);
        await queue.close();

        queue = await QueueLog.open(await fixture.restart(), 'queue.%2F.jobs');
        assert.equal(queue.unsettledCount, remaining.length);
        assert.deepEqual(unsettledOffsets(queue), remaining);
        for (const offset of toSettle) assert.ok(queue.isSettled(offset));
        assert.equal(queue.deliveryCount(once), 1);
        assert.equal(queue.deliveryCount(thrice), 3);
        assert.equal(queue.deliveryCount(toSettle[0]), 0, 'settled messages carry no delivery count');
        const values = await readAllValues(queue.log);
        for (const offset of remaining) assert.equal(values.get(offset), `m-${offset}`);
        const next = await queue.publish(makeBatch('after-restart'));
        assert.equal(next.baseOffset, 300);
        assert.equal(queue.nextUnsettled(remaining[remaining.length - 1] + 1), 300);
        await queue.close();
      }));

    it('keeps every settlement acknowledged by settleAsync through a crash', () =>
      withStore(async (fixture) => {
        const options: Partial<QueueLogOptions> = { settlementSegmentBytes: 1024, compactAfterBytes: 512 };
        const queue = await QueueLog.open(fixture.store, 'crashing', { segmentBytes: 1024 }, options);
        await publishMessages(queue, 400, 10);
        const order = shuffled(range(0, 400), 3);
        for (let i = 0; i < 300; i += 20) await queue.settleAsync(order.slice(i, i + 20), 'ack');
        queue.recordReturn(order[399]);
        await queue.flush();
        assert.ok(queue.settlementLog!.startOffset > 0, 'snapshots were written and older settlements deleted');

        const recovered = await QueueLog.open(await fixture.crash(), 'crashing', { segmentBytes: 1024 }, options);
        assert.deepEqual(unsettledOffsets(recovered), order.slice(300).sort((a, b) => a - b));
        assert.equal(recovered.deliveryCount(order[399]), 1);
        await recovered.close();
      }));

    it('deletes message segments once every message in them is settled', () =>
      withStore(async (fixture) => {
        const queue = await QueueLog.open(fixture.store, 'segments', { segmentBytes: 512 }, { reclaimIntervalMs: 60_000 });
        await publishMessages(queue, 200);
        const fullSize = queue.log.sizeBytes;
        queue.settle(range(150, 200), 'ack');
        await queue.flush();
        assert.equal(queue.log.startOffset, 0, 'settled messages above an unsettled one keep their segments');
        queue.settle(range(0, 120), 'ack');
        await queue.flush();
        assert.ok(queue.log.startOffset > 100 && queue.log.startOffset <= 120, `start offset ${queue.log.startOffset}`);
        assert.ok(queue.log.sizeBytes < fullSize / 2, `size ${queue.log.sizeBytes} of ${fullSize}`);
        assert.deepEqual(unsettledOffsets(queue), range(120, 150));
        const values = await readAllValues(queue.log, 120);
        assert.equal(values.get(120), 'm-120');
        await queue.close();

        const reopened = await QueueLog.open(await fixture.restart(), 'segments', { segmentBytes: 512 });
        assert.deepEqual(unsettledOffsets(reopened), range(120, 150));
        reopened.settle(range(120, 150), 'ack');
        await reopened.flush();
        assert.equal(reopened.unsettledCount, 0);
        assert.ok(reopened.log.startOffset >= 190, `start offset ${reopened.log.startOffset}`);
        await reopened.close();
      }));

    it('deletes settled segments in the background without an explicit flush', () =>
      withStore(async (fixture) => {
        const queue = await QueueLog.open(fixture.store, 'background', { segmentBytes: 512 }, { reclaimIntervalMs: 1 });
        await publishMessages(queue, 100);
        queue.settle(range(0, 100), 'ack');
        const deadline = Date.now() + 5000;
        while (queue.log.startOffset < 90 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        assert.ok(queue.log.startOffset >= 90, `start offset ${queue.log.startOffset}`);
        await queue.close();
      }));

    it('keeps the settlement log small through many out-of-order settlements', () =>
      withStore(async (fixture) => {
        const options: Partial<QueueLogOptions> = { settlementSegmentBytes: 4096, compactAfterBytes: 4096 };
        const queue = await QueueLog.open(fixture.store, 'churn', {}, options);
        await publishMessages(queue, 5000, 250);
        const order = shuffled(range(0, 5000), 42);
        let largest = 0;
        for (let i = 0; i < order.length; i += 50) {
          await queue.settleAsync(order.slice(i, i + 50), 'ack');
          largest = Math.max(largest, queue.settlementLog!.sizeBytes);
        }
        assert.equal(queue.unsettledCount, 0);
        assert.ok(queue.settlementLog!.highWatermark > 100, 'settlements were written as many records');
        assert.ok(largest < 200_000, `settlement log peaked at ${largest} bytes`);
        await queue.close();
        assert.ok(queue.settlementLog!.sizeBytes < 3 * 4096, `settlement log ends at ${queue.settlementLog!.sizeBytes} bytes`);

        const reopened = await QueueLog.open(await fixture.restart(), 'churn', {}, options);
        assert.equal(reopened.unsettledCount, 0);
        assert.equal(reopened.nextUnsettled(0), undefined);
        await reopened.close();
      }));

    it('purges every message, durably, and keeps later ones', () =>
      withStore(async (fixture) => {
        const queue = await QueueLog.open(fixture.store, 'purge');
        await publishMessages(queue, 40, 8);
        queue.settle([3, 4, 30], 'ack');
        assert.equal(queue.purge(), 37);
        assert.equal(queue.unsettledCount, 0);
        assert.equal(queue.purge(), 0);
        await queue.publish(makeBatch('late', 2));
        await queue.close();
        const reopened = await QueueLog.open(await fixture.restart(), 'purge');
        assert.deepEqual(unsettledOffsets(reopened), [40, 41]);
        await reopened.close();
      }));

    it('rejects settling offsets outside the log, settling nothing', () =>
      withStore(async (fixture) => {
        const queue = await QueueLog.open(fixture.store, 'bounds');
        await publishMessages(queue, 5);
        assert.throws(() => queue.settle([1, 5], 'ack'), (err: unknown) => err instanceof StorageError && err.code === 'OFFSET_OUT_OF_RANGE');
        assert.throws(() => queue.settle([-1], 'ack'), StorageError);
        assert.equal(queue.unsettledCount, 5);
        await assert.rejects(queue.settleAsync([7], 'ack'), StorageError);
        await queue.close();
        assert.throws(() => queue.settle([0], 'ack'), (err: unknown) => err instanceof StorageError && err.code === 'LOG_CLOSED');
      }));

    it('delete removes the message log and the settlement log', () =>
      withStore(async (fixture) => {
        const queue = await QueueLog.open(fixture.store, 'temporary');
        await publishMessages(queue, 3);
        queue.settle([0], 'ack');
        await QueueLog.open(fixture.store, 'kept').then((q) => q.close());
        await queue.delete();
        // 'kept' never settled anything, so it has no settlement log yet.
        assert.deepEqual(await fixture.store.list(), ['kept']);
        const fresh = await QueueLog.open(fixture.store, 'temporary');
        assert.equal(fresh.unsettledCount, 0);
        assert.equal(fresh.log.highWatermark, 0);
        await fresh.close();
      }));
  });
}

describe('QueueLog on the memory store', () => {
  it('does not grow memory when a large queue is acked in order', async () => {
    const store = new MemoryLogStore();
    const queue = await QueueLog.open(store, 'big', { segmentBytes: 64 * 1024 }, { compactAfterBytes: 16 * 1024, settlementSegmentBytes: 16 * 1024 });
    const total = 100_000;
    await publishMessages(queue, total, 1000);
    let maxRanges = 0;
    for (let offset = 0; offset < total; offset++) {
      queue.settle([offset], 'ack');
      if (offset % 1000 === 999) {
        maxRanges = Math.max(maxRanges, queue.stats.settledRanges);
        await queue.flush();
      }
    }
    assert.equal(maxRanges, 0);
    assert.equal(queue.stats.lowWatermark, total);
    assert.ok(queue.settlementLog!.sizeBytes < 64 * 1024, `settlement log holds ${queue.settlementLog!.sizeBytes} bytes`);
    assert.ok(queue.log.sizeBytes <= 64 * 1024, `message log holds ${queue.log.sizeBytes} bytes`);
    await queue.close();
  });

  it('makes a settlement visible to a replay once settleAsync resolves', async () => {
    const store = new MemoryLogStore();
    const queue = await QueueLog.open(store, 'durable');
    await publishMessages(queue, 10);
    await queue.settleAsync([2, 5], 'ack');
    queue.recordReturn(7);
    queue.recordReturn(4);
    queue.settle([4], 'dropped');
    await queue.flush();
    const replayed = await QueueLog.open(store, 'durable');
    assert.deepEqual(unsettledOffsets(replayed), [0, 1, 3, 6, 7, 8, 9]);
    assert.equal(replayed.deliveryCount(7), 1);
    assert.equal(replayed.deliveryCount(4), 0, 'a message returned then settled in one window replays as settled');
    await queue.close();
  });

  it('counts messages removed by retention configured on the queue log as settled', async () => {
    const store = new MemoryLogStore();
    const queue = await QueueLog.open(store, 'retained', { segmentBytes: 300, retentionBytes: 600 });
    await publishMessages(queue, 50);
    queue.settle([45], 'ack');
    assert.ok((await queue.log.applyRetention()) > 0);
    const start = queue.log.startOffset;
    assert.ok(start > 0);
    assert.equal(queue.nextUnsettled(0), start);
    assert.ok(queue.isSettled(start - 1));
    assert.equal(queue.unsettledCount, 50 - start - 1);
    await queue.close();
  });

  it('refuses to open a queue whose settlement log holds a malformed record', async () => {
    const store = new MemoryLogStore();
    await (await store.open('damaged')).append(encodeBatch([{ key: null, value: Buffer.from('m0') }]));
    const settlements = await store.open(settlementLogName('damaged'));
    await settlements.append(encodeBatch([{ key: null, value: Buffer.from([1, 0, 0, 0, 0, 9]) }]));
    await assert.rejects(QueueLog.open(store, 'damaged'), (err: unknown) => err instanceof StorageError && err.code === 'LOG_DAMAGED');
    await store.delete(settlementLogName('damaged'));
    const queue = await QueueLog.open(store, 'damaged');
    assert.equal(queue.unsettledCount, 1);
    await queue.close();
  });

  it('reports a failed settlement write to the waiter and refuses later settlements', async () => {
    const store = new MemoryLogStore();
    const queue = await QueueLog.open(store, 'failing');
    await publishMessages(queue, 4);
    await queue.settleAsync([3], 'ack');
    await queue.settlementLog!.close();
    const isClosedError = (err: unknown): boolean => err instanceof StorageError && err.code === 'LOG_CLOSED';
    await assert.rejects(queue.settleAsync([0], 'ack'), isClosedError);
    assert.throws(() => queue.settle([1], 'ack'), isClosedError);
    assert.throws(() => queue.recordReturn(2), isClosedError);
    await assert.rejects(queue.close(), isClosedError);
  });

  it('forgets settlements of messages the message log no longer holds', async () => {
    const store = new MemoryLogStore();
    const queue = await QueueLog.open(store, 'lost-tail');
    await publishMessages(queue, 10);
    queue.settle([0, 1, 8, 9], 'ack');
    queue.recordReturn(5);
    await queue.close();
    await store.delete('lost-tail');
    const reopened = await QueueLog.open(store, 'lost-tail');
    assert.equal(reopened.unsettledCount, 0);
    assert.equal(reopened.deliveryCount(5), 0);
    await publishMessages(reopened, 10);
    assert.deepEqual(unsettledOffsets(reopened), range(0, 10), 'new messages at reused offsets are unsettled');
    await reopened.close();
  });
});
