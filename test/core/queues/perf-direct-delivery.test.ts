/**
 * The fast paths of the queue model keep its behaviour: a message handed straight to a no-ack
 * consumer is not stored (it could not outlive a restart anyway), everything else still is, order
 * holds when messages wait ahead, and an ack reopens only the consumer it freed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MemoryLogStore } from '../../../src/storage/memory-store.js';
import { memoryBroker, publishAll, record, settle, waitFor } from './helpers.js';

const bodies = (n: number, prefix = 'm'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** Messages appended so far to the message log of queue `name`. */
async function storedCount(store: MemoryLogStore, name: string): Promise<number> {
  const logName = (await store.list()).find((n) => n.startsWith(`amqp.queue.${name}.`) && !n.endsWith('.settled'));
  assert.ok(logName, `log of queue ${name}`);
  return (await store.open(logName)).highWatermark;
}

describe('direct delivery to no-ack consumers', () => {
  it('delivers transient messages to a waiting no-ack consumer without storing them', async () => {
    const { session, broker, store } = await memoryBroker();
    await session.queueDeclare('t', {});
    const c = record(session, 't', { noAck: true });
    await publishAll(session, 't', bodies(20));
    await c.waitCount(20);
    assert.deepEqual(c.bodies(), bodies(20));
    assert.equal(await storedCount(store, 't'), 0);
    assert.equal((await session.queueDeclare('t', { passive: true })).messageCount, 0);
    await broker.close();
  });

  it('stores persistent messages to a durable queue, and messages for manual-ack consumers', async () => {
    const { session, broker, store } = await memoryBroker();
    await session.queueDeclare('d', { durable: true });
    await session.queueDeclare('m', {});
    const noAck = record(session, 'd', { noAck: true });
    const manual = record(session, 'm');
    await publishAll(session, 'd', bodies(5), { deliveryMode: 2 });
    await publishAll(session, 'm', bodies(5));
    await noAck.waitCount(5);
    await manual.waitCount(5);
    assert.equal(await storedCount(store, 'd'), 5);
    assert.equal(await storedCount(store, 'm'), 5);
    await broker.close();
  });

  it('keeps publish order when stored messages wait ahead of new ones', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('o', {});
    await publishAll(session, 'o', bodies(50, 'old'));
    const c = record(session, 'o', { noAck: true });
    const fresh = bodies(50, 'new');
    await Promise.all(fresh.map((b) => session.publish('', 'o', {}, Buffer.from(b))));
    await c.waitCount(100);
    assert.deepEqual(c.bodies(), [...bodies(50, 'old'), ...fresh]);
    await broker.close();
  });

  it('stores messages while deliveries are paused, then delivers them in order', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('p', {});
    const c = record(session, 'p', { noAck: true });
    await publishAll(session, 'p', bodies(3, 'a'));
    session.pause();
    await publishAll(session, 'p', bodies(3, 'b'));
    await settle();
    assert.equal(c.deliveries.length, 3);
    session.resume();
    await publishAll(session, 'p', bodies(3, 'c'));
    await c.waitCount(9);
    assert.deepEqual(c.bodies(), [...bodies(3, 'a'), ...bodies(3, 'b'), ...bodies(3, 'c')]);
    await broker.close();
  });
});

describe('acks reopen the consumers they free', () => {
  it('an ack for one of many prefetch-limited consumers on a channel resumes that consumer', async () => {
    const { session, broker } = await memoryBroker();
    const names = bodies(20, 'q');
    for (const name of names) {
      await session.queueDeclare(name, {});
      await publishAll(session, name, bodies(4, `${name}-`));
    }
    session.qos(2, false);
    const consumers = names.map((name) => record(session, name));
    await waitFor(() => consumers.every((c) => c.deliveries.length === 2), 'first windows');
    for (const d of consumers[7].deliveries.slice()) session.ack(d.deliveryTag, false);
    await consumers[7].waitCount(4);
    await settle();
    assert.deepEqual(consumers[7].bodies(), bodies(4, 'q7-'));
    for (const [i, c] of consumers.entries()) if (i !== 7) assert.equal(c.deliveries.length, 2);
    await broker.close();
  });
});
