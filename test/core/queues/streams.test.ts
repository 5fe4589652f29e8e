import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memoryBroker, publishAll, record, rejectsWith, settle } from './helpers.js';
import type { Session } from '../../../src/core/queues/index.js';

async function stream(session: Session, messages: string[]): Promise<void> {
  await session.queueDeclare('s', { durable: true, arguments: { 'x-queue-type': 'stream' } });
  await publishAll(session, 's', messages);
}

describe('stream queues', () => {
  it('keeps messages after ack: every consumer from first reads everything', async () => {
    const { session, broker } = await memoryBroker();
    await stream(session, ['a', 'b', 'c']);
    session.qos(10, false);
    const one = record(session, 's', { arguments: { 'x-stream-offset': 'first' } });
    await one.waitCount(3);
    session.ack(one.deliveries[2].deliveryTag, true);
    const two = record(session, 's', { arguments: { 'x-stream-offset': 'first' } });
    await two.waitCount(3);
    assert.deepEqual(two.bodies(), ['a', 'b', 'c']);
    assert.deepEqual(two.deliveries.map((d) => d.properties.headers?.['x-stream-offset']), [0, 1, 2]);
    await broker.close();
  });

  it('x-stream-offset next, last, a numeric offset and a timestamp', async () => {
    const { session, broker } = await memoryBroker();
    await stream(session, ['a', 'b', 'c']);
    session.qos(10, false);
    const next = record(session, 's');
    const last = record(session, 's', { arguments: { 'x-stream-offset': 'last' } });
    const fromOne = record(session, 's', { arguments: { 'x-stream-offset': 1 } });
    const byTime = record(session, 's', { arguments: { 'x-stream-offset': new Date(0) } });
    await settle();
    await publishAll(session, 's', ['d']);
    await fromOne.waitCount(3);
    await byTime.waitCount(4);
    await last.waitCount(2);
    await next.waitCount(1);
    assert.deepEqual(next.bodies(), ['d']);
    assert.deepEqual(last.bodies(), ['c', 'd']);
    assert.deepEqual(fromOne.bodies(), ['b', 'c', 'd']);
    assert.deepEqual(byTime.bodies(), ['a', 'b', 'c', 'd']);
    await broker.close();
  });

  it('the prefetch window paces stream consumers', async () => {
    const { session, broker } = await memoryBroker();
    await stream(session, ['a', 'b', 'c', 'd']);
    session.qos(2, false);
    const c = record(session, 's', { arguments: { 'x-stream-offset': 'first' } });
    await c.waitCount(2);
    await settle();
    assert.equal(c.deliveries.length, 2);
    session.ack(c.deliveries[1].deliveryTag, true);
    await c.waitCount(4);
    await broker.close();
  });

  it('refuses what streams do not support: non-durable, no-ack consumers, no prefetch, get, purge', async () => {
    const { session, broker } = await memoryBroker();
    await rejectsWith(() => session.queueDeclare('t', { arguments: { 'x-queue-type': 'stream' } }), 'PRECONDITION_FAILED');
    await stream(session, ['a']);
    assert.throws(() => record(session, 's'), { errorName: 'PRECONDITION_FAILED' });
    session.qos(5, false);
    assert.throws(() => record(session, 's', { noAck: true }), { errorName: 'PRECONDITION_FAILED' });
    await rejectsWith(() => session.get('s', false), 'NOT_IMPLEMENTED');
    await rejectsWith(() => session.queuePurge('s'), 'PRECONDITION_FAILED');
    await broker.close();
  });
});
