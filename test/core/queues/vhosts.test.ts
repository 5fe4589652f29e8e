import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { QueueBroker } from '../../../src/core/queues/index.js';
import { MemoryLogStore } from '../../../src/storage/memory-store.js';
import { memoryBroker, publishAll, record } from './helpers.js';

describe('vhosts and introspection', () => {
  it('the default vhost exists; unknown vhosts are 530 NOT_ALLOWED; vhosts are isolated', async () => {
    const { broker, session } = await memoryBroker();
    assert.equal(broker.hasVhost('/'), true);
    assert.throws(() => broker.openSession('nope', 'c'), { errorName: 'NOT_ALLOWED' });
    await broker.addVhost('tenant');
    const other = broker.openSession('tenant', 'c');
    await other.queueDeclare('q', {});
    await session.queueDeclare('q', {});
    await publishAll(other, 'q', ['t']);
    assert.deepEqual(broker.listQueues('tenant').map((q) => q.messagesReady), [1]);
    assert.deepEqual(broker.listQueues('/').map((q) => q.messagesReady), [0]);
    await broker.deleteVhost('tenant');
    assert.deepEqual(broker.listVhosts(), ['/']);
    await broker.close();
  });

  it('vhosts survive a restart of the broker over the same store', async () => {
    const store = new MemoryLogStore();
    const first = await QueueBroker.open(store);
    await first.addVhost('kept');
    await first.close();
    const second = await QueueBroker.open(store);
    assert.deepEqual(second.listVhosts().sort(), ['/', 'kept']);
    await second.close();
  });

  it('lists exchanges, bindings and consumers', async () => {
    const { broker, session } = await memoryBroker();
    await session.queueDeclare('q', {});
    await session.exchangeDeclare('x', { type: 'topic', durable: true });
    await session.queueBind('q', 'x', 'a.*');
    session.qos(7, false);
    record(session, 'q', { consumerTag: 'ctag', arguments: { 'x-priority': 3 } });
    assert.ok(broker.listExchanges('/').some((e) => e.name === 'x' && e.type === 'topic' && e.durable));
    assert.deepEqual(broker.listBindings('/'), [{ vhost: '/', source: 'x', destination: 'q', destinationType: 'queue', routingKey: 'a.*', arguments: {} }]);
    assert.deepEqual(broker.listConsumers('/'), [
      { vhost: '/', queue: 'q', consumerTag: 'ctag', connectionId: 'conn-1', noAck: false, exclusive: false, priority: 3, prefetchCount: 7 },
    ]);
    await broker.close();
  });
});
