import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memoryBroker, publishAll, record, rejectsWith, waitFor } from './helpers.js';
import type { Session } from '../../../src/core/queues/index.js';

async function ready(session: Session, queue: string): Promise<number> {
  return (await session.queueDeclare(queue, { passive: true })).messageCount;
}

describe('TTL and length limits', () => {
  it('x-message-ttl expires waiting messages', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', { arguments: { 'x-message-ttl': 20 } });
    await publishAll(session, 'q', ['a', 'b']);
    await waitFor(() => broker.listQueues('/')[0].messagesReady === 0, 'expiry');
    assert.equal(await session.get('q', true), undefined);
    await broker.close();
  });

  it('per-message expiration expires from the head; invalid expiration is 406', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', {});
    await session.publish('', 'q', { expiration: '10' }, Buffer.from('short'));
    await session.publish('', 'q', {}, Buffer.from('forever'));
    await waitFor(() => broker.listQueues('/')[0].messagesReady === 1, 'head expiry');
    assert.equal((await session.get('q', true))?.body.toString(), 'forever');
    assert.throws(() => session.publish('', 'q', { expiration: 'later' }, Buffer.from('x')), { errorName: 'PRECONDITION_FAILED' });
    await broker.close();
  });

  it('a TTL of 0 delivers to a waiting consumer, and drops otherwise', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('zero', { arguments: { 'x-message-ttl': 0 } });
    await publishAll(session, 'zero', ['nobody-waiting']);
    await waitFor(() => broker.listQueues('/')[0].messagesReady === 0, 'expiry');
    const c = record(session, 'zero', { noAck: true });
    await publishAll(session, 'zero', ['taken']);
    await c.waitCount(1);
    assert.deepEqual(c.bodies(), ['taken']);
    await broker.close();
  });

  it('x-max-length with drop-head keeps the newest messages', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', { arguments: { 'x-max-length': 2 } });
    for (const b of ['1', '2', '3', '4']) await session.publish('', 'q', {}, Buffer.from(b));
    await waitFor(() => broker.listQueues('/')[0].messagesReady === 2, 'drop-head');
    assert.equal((await session.get('q', true))?.body.toString(), '3');
    assert.equal((await session.get('q', true))?.body.toString(), '4');
    await broker.close();
  });

  it('x-max-length counts ready messages only (unacked do not count)', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', { arguments: { 'x-max-length': 1, 'x-overflow': 'reject-publish' } });
    await publishAll(session, 'q', ['1']);
    await session.get('q', false);
    const r = await session.publish('', 'q', {}, Buffer.from('2'));
    assert.equal(r.rejected, false);
    await broker.close();
  });

  it('x-overflow reject-publish refuses publishes while full', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', { arguments: { 'x-max-length': 2, 'x-overflow': 'reject-publish' } });
    const results = [];
    for (const b of ['1', '2', '3']) results.push(await session.publish('', 'q', {}, Buffer.from(b)));
    assert.deepEqual(results.map((r) => r.rejected), [false, false, true]);
    assert.equal(results[2].routed, true);
    assert.equal(await ready(session, 'q'), 2);
    await session.queueDeclare('burst', { arguments: { 'x-max-length': 3, 'x-overflow': 'reject-publish' } });
    const burst = await Promise.all(['1', '2', '3', '4', '5'].map((b) => session.publish('', 'burst', {}, Buffer.from(b))));
    assert.deepEqual(burst.map((r) => r.rejected), [false, false, false, true, true]);
    assert.equal(await ready(session, 'burst'), 3);
    await broker.close();
  });

  it('x-max-length-bytes limits the body bytes of ready messages', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', { arguments: { 'x-max-length-bytes': 10, 'x-overflow': 'reject-publish' } });
    const a = await session.publish('', 'q', {}, Buffer.alloc(6));
    const b = await session.publish('', 'q', {}, Buffer.alloc(6));
    assert.deepEqual([a.rejected, b.rejected], [false, true]);
    await session.queueDeclare('d', { arguments: { 'x-max-length-bytes': 10 } });
    for (const n of [4, 4, 4]) await session.publish('', 'd', {}, Buffer.alloc(n, n));
    await waitFor(() => broker.listQueues('/').find((q) => q.name === 'd')!.messagesReady === 2, 'byte limit');
    await broker.close();
  });

  it('x-max-priority delivers higher priorities first, FIFO within a priority', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('p', { arguments: { 'x-max-priority': 5 } });
    const sends: [string, number | undefined][] = [
      ['low-1', 1],
      ['none', undefined],
      ['high-1', 5],
      ['over-max', 9],
      ['low-2', 1],
      ['high-2', 5],
    ];
    for (const [body, priority] of sends) await session.publish('', 'p', { priority }, Buffer.from(body));
    const order = [];
    for (let d = await session.get('p', true); d; d = await session.get('p', true)) order.push(d.body.toString());
    assert.deepEqual(order, ['high-1', 'over-max', 'high-2', 'low-1', 'low-2', 'none']);
    await rejectsWith(() => session.queueDeclare('bad', { arguments: { 'x-max-priority': -1 } }), 'PRECONDITION_FAILED');
    await rejectsWith(() => session.queueDeclare('bad', { arguments: { 'x-max-priority': 256 } }), 'PRECONDITION_FAILED');
    await broker.close();
  });
});
