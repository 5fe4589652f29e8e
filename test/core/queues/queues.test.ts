import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memoryBroker, publishAll, record, rejectsWith, waitFor } from './helpers.js';

describe('queues', () => {
  it('server-named queues get amq.gen- names and become the channel default queue', async () => {
    const { session, broker } = await memoryBroker();
    const ok = await session.queueDeclare('', { exclusive: true });
    assert.match(ok.queue, /^amq\.gen-[A-Za-z0-9_-]{22}$/);
    await session.queueBind('', 'amq.fanout', '');
    await session.publish('amq.fanout', '', {}, Buffer.from('x'));
    assert.equal((await session.queueDeclare('', { passive: true })).messageCount, 1);
    assert.equal((await session.get('', true))?.body.toString(), 'x');
    await broker.close();
  });

  it('declare-ok reports ready messages and consumers; passive declare of a missing queue is 404', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', {});
    await publishAll(session, 'q', ['1', '2', '3']);
    const c = record(session, 'q', { noAck: false });
    await c.waitCount(3);
    const ok = await session.queueDeclare('q', { passive: true });
    assert.deepEqual(ok, { queue: 'q', messageCount: 0, consumerCount: 1 });
    assert.deepEqual(broker.listQueues('/').map((q) => [q.name, q.messagesReady, q.messagesUnacknowledged, q.consumers]), [['q', 0, 3, 1]]);
    await rejectsWith(() => session.queueDeclare('missing', { passive: true }), 'NOT_FOUND');
    await broker.close();
  });

  it('names starting with amq. are reserved (403)', async () => {
    const { session, broker } = await memoryBroker();
    await rejectsWith(() => session.queueDeclare('amq.mine', {}), 'ACCESS_REFUSED');
    await broker.close();
  });

  it('redeclare with different durable, auto-delete or arguments is 406; unknown arguments are ignored', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', { durable: true, arguments: { 'x-message-ttl': 1000, 'x-custom': 1 } });
    await session.queueDeclare('q', { durable: true, arguments: { 'x-message-ttl': 1000 } });
    await rejectsWith(() => session.queueDeclare('q', { durable: false, arguments: { 'x-message-ttl': 1000 } }), 'PRECONDITION_FAILED');
    await rejectsWith(() => session.queueDeclare('q', { durable: true, autoDelete: true, arguments: { 'x-message-ttl': 1000 } }), 'PRECONDITION_FAILED');
    await rejectsWith(() => session.queueDeclare('q', { durable: true, arguments: { 'x-message-ttl': 2000 } }), 'PRECONDITION_FAILED');
    await rejectsWith(() => session.queueDeclare('q', { durable: true }), 'PRECONDITION_FAILED');
    await rejectsWith(() => session.queueDeclare('bad', { arguments: { 'x-message-ttl': 'soon' } }), 'PRECONDITION_FAILED');
    await rejectsWith(() => session.queueDeclare('bad', { arguments: { 'x-overflow': 'explode' } }), 'PRECONDITION_FAILED');
    await rejectsWith(() => session.queueDeclare('bad', { arguments: { 'x-queue-type': 'quorum' } }), 'PRECONDITION_FAILED');
    await broker.close();
  });

  it('exclusive queues are locked (405) to other connections and deleted with their connection', async () => {
    const { session, broker } = await memoryBroker();
    const other = broker.openSession('/', 'conn-2');
    await session.queueDeclare('mine', { exclusive: true });
    await rejectsWith(() => other.queueDeclare('mine', {}), 'RESOURCE_LOCKED');
    await rejectsWith(() => other.queueDeclare('mine', { passive: true }), 'RESOURCE_LOCKED');
    await rejectsWith(() => other.get('mine', true), 'RESOURCE_LOCKED');
    await rejectsWith(() => other.queueDelete('mine'), 'RESOURCE_LOCKED');
    assert.throws(() => other.consume('mine', {}, () => undefined, () => undefined), { errorName: 'RESOURCE_LOCKED' });
    await session.queueDeclare('shared', {});
    await rejectsWith(() => session.queueDeclare('shared', { exclusive: true }), 'RESOURCE_LOCKED');
    await session.close();
    await broker.closeConnection('conn-1');
    await rejectsWith(() => other.queueDeclare('mine', { passive: true }), 'NOT_FOUND');
    await broker.close();
  });

  it('auto-delete queues are deleted when their last consumer cancels', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('auto', { autoDelete: true });
    const a = record(session, 'auto');
    const b = record(session, 'auto');
    session.cancel(a.tag);
    await session.queueDeclare('auto', { passive: true, autoDelete: true });
    session.cancel(b.tag);
    await waitFor(() => !broker.listQueues('/').some((q) => q.name === 'auto'), 'auto-delete');
    await broker.close();
  });

  it('x-expires deletes a queue left unused', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('short-lived', { arguments: { 'x-expires': 30 } });
    await waitFor(() => !broker.listQueues('/').some((q) => q.name === 'short-lived'), 'expiry');
    await broker.close();
  });

  it('purge removes ready messages but not unacked ones', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', {});
    await publishAll(session, 'q', ['a', 'b', 'c']);
    const first = await session.get('q', false);
    assert.equal(await session.queuePurge('q'), 2);
    assert.equal((await session.queueDeclare('q', { passive: true })).messageCount, 0);
    session.nack(first!.deliveryTag, false, true);
    const again = await session.get('q', true);
    assert.equal(again?.body.toString(), 'a');
    assert.equal(again?.redelivered, true);
    await broker.close();
  });

  it('delete if-unused and if-empty refuse with 406; delete returns the message count and cancels consumers', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', {});
    await publishAll(session, 'q', ['a', 'b']);
    await rejectsWith(() => session.queueDelete('q', { ifEmpty: true }), 'PRECONDITION_FAILED');
    const c = record(session, 'q', { noAck: true });
    await c.waitCount(2);
    await publishAll(session, 'q', []);
    await rejectsWith(() => session.queueDelete('q', { ifUnused: true }), 'PRECONDITION_FAILED');
    session.cancel(c.tag);
    await publishAll(session, 'q', ['x']);
    const consumer = record(session, 'q', { consumerTag: 'watcher' });
    await consumer.waitCount(1);
    assert.equal(await session.queueDelete('q'), 0);
    assert.equal(consumer.cancelled, true);
    assert.equal(await session.queueDelete('q'), 0);
    session.ack(consumer.deliveries[0].deliveryTag, false);
    await broker.close();
  });

  it('bind to a missing queue or exchange is 404', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', {});
    await rejectsWith(() => session.queueBind('q', 'nope', 'k'), 'NOT_FOUND');
    await rejectsWith(() => session.queueBind('nope', 'amq.direct', 'k'), 'NOT_FOUND');
    await broker.close();
  });
});
