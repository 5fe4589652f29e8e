import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { QueueBroker, type Session } from '../../../src/core/queues/index.js';
import type { LogStore } from '../../../src/storage/types.js';
import { openFileStore, record, rejectsWith, tempDataDir } from './helpers.js';

const PERSISTENT = { deliveryMode: 2 };
const N = 25;

/** Publishes `count` persistent messages without waiting; returns their outcomes. */
function publishUnawaited(session: Session, queue: string, count: number, prefix = 'm', properties = PERSISTENT): Promise<unknown>[] {
  const outcomes: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) outcomes.push(session.publish('', queue, properties, Buffer.from(`${prefix}${i}`)));
  return outcomes;
}

describe('messages whose appends are in progress (file store, fsync batch)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let opened: { store: LogStore; broker: QueueBroker } | undefined;

  /** (Re)opens the broker over the data dir, closing the previous one cleanly. */
  async function reopen(): Promise<{ broker: QueueBroker; session: Session }> {
    if (opened) {
      await opened.broker.close();
      await opened.store.close();
    }
    const store = await openFileStore(dir);
    const broker = await QueueBroker.open(store);
    opened = { store, broker };
    return { broker, session: broker.openSession('/', 'conn-1') };
  }

  before(async () => {
    ({ dir, cleanup } = await tempDataDir());
  });

  after(async () => {
    if (opened) {
      await opened.broker.close();
      await opened.store.close();
    }
    await cleanup();
  });

  it('purge right after unconfirmed publishes settles them all, also across a restart', async () => {
    let { session } = await reopen();
    await session.queueDeclare('purged', { durable: true });
    const outcomes = publishUnawaited(session, 'purged', N);
    assert.equal(await session.queuePurge('purged'), N);
    await Promise.all(outcomes);
    assert.equal((await session.queueDeclare('purged', { passive: true })).messageCount, 0);
    assert.equal(await session.get('purged', true), undefined);
    ({ session } = await reopen());
    assert.equal((await session.queueDeclare('purged', { passive: true })).messageCount, 0);
    assert.equal(await session.get('purged', true), undefined);
  });

  it('a shutdown while purged messages are still landing keeps them purged', async () => {
    let { session } = await reopen();
    await session.queueDeclare('closing', { durable: true });
    const outcomes = publishUnawaited(session, 'closing', N);
    assert.equal(await session.queuePurge('closing'), N);
    ({ session } = await reopen());
    await Promise.all(outcomes);
    assert.equal((await session.queueDeclare('closing', { passive: true })).messageCount, 0);
  });

  it('passive declare, purge-ok and the admin listing agree on in-flight messages', async () => {
    const { broker, session } = await reopen();
    await session.queueDeclare('counted', { durable: true });
    const outcomes = publishUnawaited(session, 'counted', N);
    const declared = (await session.queueDeclare('counted', { passive: true })).messageCount;
    const listed = broker.listQueues('/').find((q) => q.name === 'counted')?.messagesReady;
    const purged = await session.queuePurge('counted');
    assert.deepEqual([declared, listed, purged], [N, N, N]);
    await Promise.all(outcomes);
  });

  it('messages published after a purge are kept and delivered; purged ones never are', async () => {
    const { session } = await reopen();
    await session.queueDeclare('after-purge', { durable: true });
    const early = publishUnawaited(session, 'after-purge', N, 'early');
    assert.equal(await session.queuePurge('after-purge'), N);
    const late = publishUnawaited(session, 'after-purge', 3, 'late');
    assert.equal((await session.queueDeclare('after-purge', { passive: true })).messageCount, 3);
    const consumer = record(session, 'after-purge', { noAck: true });
    await Promise.all([...early, ...late]);
    await consumer.waitCount(3);
    assert.deepEqual(consumer.bodies(), ['late0', 'late1', 'late2']);
  });

  it('get right after a publish returns the message (50 rounds), with agreeing counts', async () => {
    const { session } = await reopen();
    await session.queueDeclare('got', { durable: true });
    const other = opened!.broker.openSession('/', 'conn-1');
    for (let round = 0; round < 50; round++) {
      const outcomes = publishUnawaited(session, 'got', 2, `r${round}-`);
      const reader = round % 2 === 0 ? session : other;
      const first = await reader.get('got', false);
      assert.equal(first?.body.toString(), `r${round}-0`, `round ${round}`);
      assert.equal(first.messageCount, 1);
      reader.ack(first.deliveryTag, false);
      assert.equal((await reader.get('got', true))?.body.toString(), `r${round}-1`);
      await Promise.all(outcomes);
    }
    assert.equal(await session.get('got', true), undefined);
  });

  it('get waits for an in-flight message of higher priority than the stored ones', async () => {
    const { session } = await reopen();
    await session.queueDeclare('prio', { durable: true, arguments: { 'x-max-priority': 5 } });
    await session.publish('', 'prio', { ...PERSISTENT, priority: 0 }, Buffer.from('low'));
    const outcome = session.publish('', 'prio', { ...PERSISTENT, priority: 5 }, Buffer.from('high'));
    assert.equal((await session.get('prio', true))?.body.toString(), 'high');
    assert.equal((await session.get('prio', true))?.body.toString(), 'low');
    await outcome;
  });

  it('delete if-empty refuses a queue whose only messages are in flight', async () => {
    const { session } = await reopen();
    await session.queueDeclare('busy', { durable: true });
    const outcomes = publishUnawaited(session, 'busy', 1);
    await rejectsWith(() => session.queueDelete('busy', { ifEmpty: true }), 'PRECONDITION_FAILED');
    await Promise.all(outcomes);
    assert.equal(await session.queueDelete('busy', {}), 1);
  });
});
