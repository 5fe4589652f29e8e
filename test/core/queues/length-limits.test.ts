import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { QueueBroker, type Session } from '../../../src/core/queues/index.js';
import { MemoryLogStore } from '../../../src/storage/memory-store.js';
import type { LogStore } from '../../../src/storage/types.js';
import { openFileStore, record, tempDataDir, waitFor } from './helpers.js';

/** Publishes every body in the same turn (a burst without waiting for confirms) and waits for the outcomes. */
function burst(session: Session, queue: string, bodies: string[]): Promise<boolean[]> {
  const results = bodies.map((b) => session.publish('', queue, {}, Buffer.from(b)));
  return Promise.all(results).then((rs) => rs.map((r) => r.rejected));
}

/** Takes every ready message with basic.get (no-ack) and returns the bodies. */
async function drain(session: Session, queue: string): Promise<string[]> {
  const bodies: string[] = [];
  for (let d = await session.get(queue, true); d; d = await session.get(queue, true)) bodies.push(d.body.toString());
  return bodies;
}

const stores: [string, () => Promise<{ store: LogStore; cleanup(): Promise<void> }>][] = [
  ['memory store', async () => ({ store: new MemoryLogStore(), cleanup: async () => {} })],
  [
    'file store',
    async () => {
      const dir = await tempDataDir();
      const store = await openFileStore(dir.dir);
      return { store, cleanup: async () => (await store.close(), await dir.cleanup()) };
    },
  ],
];

for (const [storeName, openStore] of stores) {
  describe(`length limits on a burst of publishes (${storeName})`, () => {
    let store: LogStore;
    let cleanup: () => Promise<void>;
    let broker: QueueBroker;
    let session: Session;
    before(async () => {
      ({ store, cleanup } = await openStore());
      broker = await QueueBroker.open(store);
      session = broker.openSession('/', 'conn-1');
    });
    after(async () => {
      await broker.close();
      await cleanup();
    });

    it('x-max-length-bytes drop-head keeps the newest messages that fit', async () => {
      await session.queueDeclare('bytes', { durable: true, arguments: { 'x-max-length-bytes': 10 } });
      assert.deepEqual(await burst(session, 'bytes', ['aaaa1', 'aaaa2', 'aaaa3', 'aaaa4']), [false, false, false, false]);
      assert.equal((await session.queueDeclare('bytes', { passive: true })).messageCount, 2);
      assert.deepEqual(await drain(session, 'bytes'), ['aaaa3', 'aaaa4']);
    });

    it('x-max-length drop-head keeps the newest messages', async () => {
      await session.queueDeclare('count', { durable: true, arguments: { 'x-max-length': 2 } });
      assert.deepEqual(await burst(session, 'count', ['1', '2', '3', '4', '5']), [false, false, false, false, false]);
      assert.equal((await session.queueDeclare('count', { passive: true })).messageCount, 2);
      assert.deepEqual(await drain(session, 'count'), ['4', '5']);
    });

    it('x-max-length drop-head keeps the newest messages of a burst longer than the in-memory window', async () => {
      // Over 1024 ready messages: the window fills, the rest stays on disk and the head is read back.
      await session.queueDeclare('long', { durable: true, arguments: { 'x-max-length': 1100 } });
      const bodies = Array.from({ length: 3000 }, (_, i) => String(i));
      await burst(session, 'long', bodies);
      await waitFor(() => broker.listQueues('/').find((q) => q.name === 'long')!.messagesReady === 1100, 'drop-head through the backlog');
      assert.deepEqual(await drain(session, 'long'), bodies.slice(-1100));
    });

    it('drop-head dead-letters each dropped message with reason maxlen', async () => {
      await session.queueDeclare('dead', { durable: true });
      const args = { 'x-max-length-bytes': 10, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'dead' };
      await session.queueDeclare('dlx-bytes', { durable: true, arguments: args });
      await burst(session, 'dlx-bytes', ['aaaa1', 'aaaa2', 'aaaa3', 'aaaa4', 'aaaa5']);
      await waitFor(() => broker.listQueues('/').find((q) => q.name === 'dead')!.messagesReady === 3, 'three dead-lettered');
      assert.deepEqual(await drain(session, 'dead'), ['aaaa1', 'aaaa2', 'aaaa3']);
      assert.deepEqual(await drain(session, 'dlx-bytes'), ['aaaa4', 'aaaa5']);
    });

    it('messages out for delivery do not count against the byte limit', async () => {
      await session.queueDeclare('unacked', { durable: true, arguments: { 'x-max-length-bytes': 10 } });
      await burst(session, 'unacked', ['aaaa1', 'aaaa2']);
      const held = record(session, 'unacked', { noAck: false });
      await held.waitCount(2);
      session.cancel(held.tag);
      assert.deepEqual(await burst(session, 'unacked', ['aaaa3', 'aaaa4', 'aaaa5']), [false, false, false]);
      assert.equal((await session.queueDeclare('unacked', { passive: true })).messageCount, 2);
      assert.deepEqual(await drain(session, 'unacked'), ['aaaa4', 'aaaa5']);
    });

    it('reject-publish refuses, in one burst, the byte-limit messages that do not fit', async () => {
      await session.queueDeclare('reject', { durable: true, arguments: { 'x-max-length-bytes': 10, 'x-overflow': 'reject-publish' } });
      assert.deepEqual(await burst(session, 'reject', ['aaaa1', 'aaaa2', 'aaaa3', 'aaaa4']), [false, false, true, true]);
      assert.deepEqual(await drain(session, 'reject'), ['aaaa1', 'aaaa2']);
    });

    it('reject-publish-dlx dead-letters, in one burst, the byte-limit messages that do not fit', async () => {
      await session.queueDeclare('refused', { durable: true });
      const args = { 'x-max-length-bytes': 10, 'x-overflow': 'reject-publish-dlx', 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'refused' };
      await session.queueDeclare('reject-dlx', { durable: true, arguments: args });
      assert.deepEqual(await burst(session, 'reject-dlx', ['aaaa1', 'aaaa2', 'aaaa3', 'aaaa4']), [false, false, true, true]);
      await waitFor(() => broker.listQueues('/').find((q) => q.name === 'refused')!.messagesReady === 2, 'two dead-lettered');
      assert.deepEqual(await drain(session, 'refused'), ['aaaa3', 'aaaa4']);
      assert.deepEqual(await drain(session, 'reject-dlx'), ['aaaa1', 'aaaa2']);
    });
  });
}
