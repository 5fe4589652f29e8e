import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { QueueBroker } from '../../../src/core/queues/index.js';
import { MemoryLogStore } from '../../../src/storage/memory-store.js';
import { memoryBroker, publishAll, record, rejectsWith, settle, waitFor } from './helpers.js';

const bodies = (n: number, prefix = 'm'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('consuming', () => {
  it('per-consumer prefetch limits unacked deliveries; acks open the window', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', {});
    await publishAll(session, 'q', bodies(10));
    session.qos(3, false);
    const c = record(session, 'q');
    await c.waitCount(3);
    await settle();
    assert.equal(c.deliveries.length, 3);
    session.ack(c.deliveries[1].deliveryTag, true);
    await c.waitCount(5);
    await settle();
    assert.deepEqual(c.bodies(), bodies(5));
    await broker.close();
  });

  it('global prefetch is shared by all consumers of the session; per-consumer limit applies to later consumers', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('a', {});
    await session.queueDeclare('b', {});
    await publishAll(session, 'a', bodies(5, 'a'));
    await publishAll(session, 'b', bodies(5, 'b'));
    session.qos(4, true);
    session.qos(3, false);
    const ca = record(session, 'a');
    const cb = record(session, 'b');
    await waitFor(() => ca.deliveries.length + cb.deliveries.length === 4, 'channel window');
    await settle();
    assert.equal(ca.deliveries.length + cb.deliveries.length, 4);
    assert.ok(ca.deliveries.length <= 3 && cb.deliveries.length <= 3);
    await broker.close();
  });

  it('prefetch 0 means unlimited; noAck consumers ignore prefetch', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', {});
    await publishAll(session, 'q', bodies(20));
    session.qos(1, true);
    const c = record(session, 'q', { noAck: true });
    await c.waitCount(20);
    session.cancel(c.tag);
    await publishAll(session, 'q', bodies(20));
    const other = broker.openSession('/', 'second');
    other.qos(1, false);
    other.qos(0, false);
    const unlimited = record(other, 'q');
    await unlimited.waitCount(20);
    await broker.close();
  });

  it('ack, nack and reject with multiple; unknown or repeated tags are 406', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', {});
    await publishAll(session, 'q', bodies(6));
    const c = record(session, 'q');
    await c.waitCount(6);
    const tags = c.deliveries.map((d) => d.deliveryTag);
    session.ack(tags[1], true);
    assert.throws(() => session.ack(tags[0], false), { errorName: 'PRECONDITION_FAILED' });
    assert.throws(() => session.ack(999, false), { errorName: 'PRECONDITION_FAILED' });
    session.reject(tags[2], false);
    session.nack(tags[4], true, false);
    session.nack(0, true, false);
    assert.equal(broker.listQueues('/')[0].messagesUnacknowledged, 0);
    assert.equal(broker.listQueues('/')[0].messagesReady, 0);
    await broker.close();
  });

  it('requeued messages go back to their original position, marked redelivered', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', {});
    await publishAll(session, 'q', bodies(5));
    const got = [];
    for (let i = 0; i < 4; i++) got.push((await session.get('q', false))!);
    session.nack(got[3].deliveryTag, false, true);
    session.nack(got[1].deliveryTag, false, true);
    session.reject(got[2].deliveryTag, true);
    const order = [];
    for (let d = await session.get('q', true); d; d = await session.get('q', true)) order.push([d.body.toString(), d.redelivered]);
    assert.deepEqual(order, [
      ['m1', true],
      ['m2', true],
      ['m3', true],
      ['m4', false],
    ]);
    await broker.close();
  });

  it('recover requeues every unacked message; requeue=false is not implemented', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', {});
    await publishAll(session, 'q', bodies(3));
    session.qos(2, false);
    const c = record(session, 'q');
    await c.waitCount(2);
    session.recover(true);
    await c.waitCount(4);
    assert.deepEqual(c.deliveries.slice(2).map((d) => [d.body.toString(), d.redelivered]), [
      ['m0', true],
      ['m1', true],
    ]);
    assert.throws(() => session.recover(false), { errorName: 'NOT_IMPLEMENTED' });
    await broker.close();
  });

  it('get returns messages with the remaining count, and undefined when empty', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', {});
    await publishAll(session, 'q', ['a', 'b']);
    const d = await session.get('q', true);
    assert.equal(d?.messageCount, 1);
    assert.equal(d?.body.toString(), 'a');
    await session.get('q', true);
    assert.equal(await session.get('q', true), undefined);
    await broker.close();
  });

  it('cancel stops deliveries; unacked deliveries of a cancelled consumer can still be acked', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', {});
    await publishAll(session, 'q', ['a']);
    const c = record(session, 'q');
    await c.waitCount(1);
    assert.equal(session.cancel(c.tag), true);
    assert.equal(session.cancel(c.tag), false);
    await publishAll(session, 'q', ['b']);
    await settle();
    assert.equal(c.deliveries.length, 1);
    session.ack(c.deliveries[0].deliveryTag, false);
    await broker.close();
  });

  it('reusing a consumer tag on the session is 530 NOT_ALLOWED', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', {});
    record(session, 'q', { consumerTag: 'dup' });
    assert.throws(() => record(session, 'q', { consumerTag: 'dup' }), { errorName: 'NOT_ALLOWED' });
    await broker.close();
  });

  it('exclusive consumers: 403 if the queue has consumers, and 403 for others while one is active', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', {});
    const c = record(session, 'q');
    assert.throws(() => record(session, 'q', { exclusive: true }), { errorName: 'ACCESS_REFUSED' });
    session.cancel(c.tag);
    record(session, 'q', { exclusive: true });
    assert.throws(() => record(session, 'q'), { errorName: 'ACCESS_REFUSED' });
    await broker.close();
  });

  it('consumer priorities: higher priority consumers get messages while they have capacity', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', {});
    session.qos(2, false);
    const low = record(session, 'q', { arguments: { 'x-priority': 1 } });
    const high = record(session, 'q', { arguments: { 'x-priority': 10 } });
    await publishAll(session, 'q', bodies(3));
    await high.waitCount(2);
    await low.waitCount(1);
    assert.deepEqual(high.bodies(), ['m0', 'm1']);
    assert.deepEqual(low.bodies(), ['m2']);
    await broker.close();
  });

  it('round-robins between consumers of equal priority', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', {});
    const a = record(session, 'q', { noAck: true });
    const b = record(session, 'q', { noAck: true });
    await publishAll(session, 'q', bodies(6));
    await waitFor(() => a.deliveries.length + b.deliveries.length === 6, 'deliveries');
    assert.equal(a.deliveries.length, 3);
    assert.equal(b.deliveries.length, 3);
    await broker.close();
  });

  it('single active consumer: only the first consumer receives until it cancels', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('sac', { arguments: { 'x-single-active-consumer': true } });
    const first = record(session, 'sac', { noAck: true });
    const second = record(session, 'sac', { noAck: true });
    await publishAll(session, 'sac', bodies(3));
    await first.waitCount(3);
    session.cancel(first.tag);
    await publishAll(session, 'sac', ['after']);
    await second.waitCount(1);
    assert.deepEqual(second.bodies(), ['after']);
    await broker.close();
  });

  it('pause/resume and flow stop and restart deliveries', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', {});
    const c = record(session, 'q', { noAck: true });
    session.pause();
    await publishAll(session, 'q', ['a']);
    await settle();
    assert.equal(c.deliveries.length, 0);
    session.resume();
    await c.waitCount(1);
    session.flow(false);
    await publishAll(session, 'q', ['b']);
    await settle();
    assert.equal(c.deliveries.length, 1);
    session.flow(true);
    await c.waitCount(2);
    await broker.close();
  });

  it('closing a session returns unacked messages in order, redelivered, to another consumer', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', {});
    await publishAll(session, 'q', bodies(4));
    const c = record(session, 'q');
    await c.waitCount(4);
    session.ack(c.deliveries[1].deliveryTag, false);
    await session.close();
    const other = broker.openSession('/', 'conn-2');
    const d = record(other, 'q');
    await d.waitCount(3);
    assert.deepEqual(d.deliveries.map((x) => [x.body.toString(), x.redelivered]), [
      ['m0', true],
      ['m2', true],
      ['m3', true],
    ]);
    await rejectsWith(() => session.get('q', true), 'CHANNEL_ERROR');
    await broker.close();
  });

  it('messages larger than maxMessageBytes are refused with 406', async () => {
    const small = await QueueBroker.open(new MemoryLogStore(), { maxMessageBytes: 10 });
    const s = small.openSession('/', 'c');
    assert.throws(() => s.publish('', 'q', {}, Buffer.alloc(11)), { errorName: 'PRECONDITION_FAILED' });
    await small.close();
  });
});
