import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memoryBroker, publishAll, record, settle } from './helpers.js';

describe('transactions', () => {
  it('publishes are held until commit and discarded by rollback', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', {});
    session.txSelect();
    const held = session.publish('', 'q', {}, Buffer.from('a'));
    await settle();
    assert.equal(broker.listQueues('/')[0].messagesReady, 0);
    await session.txCommit();
    assert.deepEqual(await held, { routed: true, rejected: false });
    assert.equal(broker.listQueues('/')[0].messagesReady, 1);
    const dropped = session.publish('', 'q', {}, Buffer.from('b'));
    session.txRollback();
    assert.equal((await dropped).discarded, true);
    await session.txCommit();
    assert.equal(broker.listQueues('/')[0].messagesReady, 1);
    await broker.close();
  });

  it('acks are applied at commit; rolled-back acks leave the messages unacked', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', {});
    await publishAll(session, 'q', ['a', 'b']);
    const c = record(session, 'q');
    await c.waitCount(2);
    session.txSelect();
    session.ack(c.deliveries[0].deliveryTag, false);
    assert.equal(broker.listQueues('/')[0].messagesUnacknowledged, 2);
    session.txRollback();
    assert.equal(broker.listQueues('/')[0].messagesUnacknowledged, 2);
    session.ack(c.deliveries[1].deliveryTag, true);
    await session.txCommit();
    assert.equal(broker.listQueues('/')[0].messagesUnacknowledged, 0);
    assert.throws(() => session.ack(c.deliveries[0].deliveryTag, false), { errorName: 'PRECONDITION_FAILED' });
    await broker.close();
  });

  it('commit or rollback outside a transaction is 406', async () => {
    const { session, broker } = await memoryBroker();
    await assert.rejects(session.txCommit(), { errorName: 'PRECONDITION_FAILED' });
    assert.throws(() => session.txRollback(), { errorName: 'PRECONDITION_FAILED' });
    await broker.close();
  });

  it('mandatory publishes inside a transaction report unroutable at commit', async () => {
    const { session, broker } = await memoryBroker();
    session.txSelect();
    const r = session.publish('', 'no-such-queue', {}, Buffer.from('x'), { mandatory: true });
    await session.txCommit();
    assert.equal((await r).routed, false);
    await broker.close();
  });
});
