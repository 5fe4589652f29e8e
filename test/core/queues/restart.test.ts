import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { QueueBroker } from '../../../src/core/queues/index.js';
import { openFileStore, publishAll, record, tempDataDir, waitFor } from './helpers.js';

const PERSISTENT = { deliveryMode: 2 };

/** Runs `before` on a broker over a file store in a temp dir, restarts it, runs `after`. */
async function acrossRestart(before: (broker: QueueBroker) => Promise<void>, after: (broker: QueueBroker) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await tempDataDir();
  try {
    const store1 = await openFileStore(dir);
    const b1 = await QueueBroker.open(store1);
    await before(b1);
    await b1.close();
    await store1.close();
    const store2 = await openFileStore(dir);
    const b2 = await QueueBroker.open(store2);
    try {
      await after(b2);
    } finally {
      await b2.close();
      await store2.close();
    }
  } finally {
    await cleanup();
  }
}

describe('restart (file store)', () => {
  it('durable exchanges, queues and bindings come back; transient and exclusive ones do not', async () => {
    await acrossRestart(
      async (b) => {
        const s = b.openSession('/', 'c1');
        await s.exchangeDeclare('orders', { type: 'topic', durable: true, arguments: { 'alternate-exchange': 'ae' } });
        await s.exchangeDeclare('temp-x', { type: 'fanout' });
        await s.queueDeclare('kept', { durable: true, arguments: { 'x-max-length': 100 } });
        await s.queueDeclare('temp-q', {});
        await s.queueDeclare('excl', { durable: true, exclusive: true });
        await s.queueBind('kept', 'orders', 'eu.#');
        await s.queueBind('temp-q', 'orders', 'us.#');
        await s.exchangeDeclare('gone', { type: 'direct', durable: true });
        await s.exchangeDelete('gone');
      },
      async (b) => {
        assert.deepEqual(b.listQueues('/').map((q) => q.name), ['kept']);
        assert.deepEqual(b.listQueues('/')[0].arguments, { 'x-max-length': 100 });
        const names = b.listExchanges('/').map((e) => e.name);
        assert.ok(names.includes('orders') && !names.includes('temp-x') && !names.includes('gone'));
        assert.deepEqual(b.listBindings('/').map((x) => [x.source, x.destination, x.routingKey]), [['orders', 'kept', 'eu.#']]);
        const s = b.openSession('/', 'c2');
        await s.exchangeDeclare('orders', { type: 'topic', durable: true, arguments: { 'alternate-exchange': 'ae' } });
        await s.publish('orders', 'eu.fr', PERSISTENT, Buffer.from('routed'));
        assert.equal((await s.get('kept', true))?.body.toString(), 'routed');
      },
    );
  });

  it('persistent messages survive; transient messages in durable queues are dropped', async () => {
    await acrossRestart(
      async (b) => {
        const s = b.openSession('/', 'c1');
        await s.queueDeclare('q', { durable: true });
        await publishAll(s, 'q', ['p1'], PERSISTENT);
        await publishAll(s, 'q', ['t1']);
        await publishAll(s, 'q', ['p2'], PERSISTENT);
      },
      async (b) => {
        const s = b.openSession('/', 'c2');
        assert.equal((await s.queueDeclare('q', { durable: true })).messageCount, 2);
        const got = [];
        for (let d = await s.get('q', true); d; d = await s.get('q', true)) got.push([d.body.toString(), d.properties.deliveryMode]);
        assert.deepEqual(got, [
          ['p1', 2],
          ['p2', 2],
        ]);
      },
    );
  });

  it('unacked messages come back in order, marked redelivered; acked ones do not', async () => {
    await acrossRestart(
      async (b) => {
        const s = b.openSession('/', 'c1');
        await s.queueDeclare('q', { durable: true });
        await publishAll(s, 'q', ['a', 'b', 'c', 'd'], PERSISTENT);
        const c = record(s, 'q');
        await c.waitCount(4);
        s.ack(c.deliveries[1].deliveryTag, false);
      },
      async (b) => {
        const s = b.openSession('/', 'c2');
        const got = [];
        for (let d = await s.get('q', true); d; d = await s.get('q', true)) got.push([d.body.toString(), d.redelivered]);
        assert.deepEqual(got, [
          ['a', true],
          ['c', true],
          ['d', true],
        ]);
      },
    );
  });

  it('message TTL keeps running across a restart', async () => {
    await acrossRestart(
      async (b) => {
        const s = b.openSession('/', 'c1');
        await s.queueDeclare('ttl', { durable: true, arguments: { 'x-message-ttl': 50 } });
        await s.queueDeclare('keep', { durable: true });
        await publishAll(s, 'ttl', ['old'], PERSISTENT);
        await publishAll(s, 'keep', ['a', 'b'], PERSISTENT);
      },
      async (b) => {
        await waitFor(() => b.listQueues('/').find((q) => q.name === 'ttl')!.messagesReady === 0, 'expiry after restart');
        assert.equal(b.listQueues('/').find((q) => q.name === 'keep')!.messagesReady, 2);
      },
    );
  });

  it('a large backlog is read back from disk in order', async () => {
    const count = 3000;
    await acrossRestart(
      async (b) => {
        const s = b.openSession('/', 'c1');
        await s.queueDeclare('big', { durable: true });
        await publishAll(s, 'big', Array.from({ length: count }, (_, i) => `m${i}`), PERSISTENT);
      },
      async (b) => {
        const s = b.openSession('/', 'c2');
        assert.equal(b.listQueues('/')[0].messagesReady, count);
        const c = record(s, 'big', { noAck: true });
        await c.waitCount(count);
        assert.ok(c.bodies().every((body, i) => body === `m${i}`));
      },
    );
  });

  it('many definition changes are compacted by snapshots and replay correctly', async () => {
    await acrossRestart(
      async (b) => {
        const s = b.openSession('/', 'c1');
        await s.queueDeclare('q', { durable: true });
        await s.exchangeDeclare('x', { type: 'direct', durable: true });
        for (let i = 0; i < 700; i++) {
          await s.queueBind('q', 'x', `k${i}`);
          if (i % 2 === 1) await s.queueUnbind('q', 'x', `k${i}`);
        }
      },
      async (b) => {
        const keys = b.listBindings('/').map((x) => x.routingKey);
        assert.equal(keys.length, 350);
        assert.ok(keys.every((k) => Number(k.slice(1)) % 2 === 0));
      },
    );
  });

  it('durable queue types and priorities survive with their settings', async () => {
    await acrossRestart(
      async (b) => {
        const s = b.openSession('/', 'c1');
        await s.queueDeclare('prio', { durable: true, arguments: { 'x-max-priority': 3 } });
        await s.queueDeclare('stream', { durable: true, arguments: { 'x-queue-type': 'stream' } });
        await s.publish('', 'prio', { ...PERSISTENT, priority: 1 }, Buffer.from('low'));
        await s.publish('', 'prio', { ...PERSISTENT, priority: 3 }, Buffer.from('high'));
        await publishAll(s, 'stream', ['s0', 's1']);
      },
      async (b) => {
        const s = b.openSession('/', 'c2');
        assert.equal((await s.get('prio', true))?.body.toString(), 'high');
        assert.equal((await s.get('prio', true))?.body.toString(), 'low');
        s.qos(10, false);
        const c = record(s, 'stream', { arguments: { 'x-stream-offset': 'first' } });
        await c.waitCount(2);
        assert.deepEqual(c.bodies(), ['s0', 's1']);
      },
    );
  });
});
