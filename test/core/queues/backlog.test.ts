import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memoryBroker, record } from './helpers.js';

describe('backlog', () => {
  it('keeps only a bounded window of a large backlog in memory and delivers it all in order', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', {});
    const count = 20_000;
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++) pending.push(session.publish('', 'q', {}, Buffer.from(String(i))));
    await Promise.all(pending);
    const [info] = broker.listQueues('/');
    assert.equal(info.messagesReady, count);
    assert.ok(info.messagesInMemory <= 1024, `${info.messagesInMemory} messages in memory`);
    session.qos(500, false);
    const c = record(session, 'q');
    let acked = 0;
    while (acked < count) {
      await c.waitCount(acked + 1);
      const last = c.deliveries[c.deliveries.length - 1];
      session.ack(last.deliveryTag, true);
      acked = c.deliveries.length;
      assert.ok(broker.listQueues('/')[0].messagesInMemory <= 1024);
    }
    assert.ok(c.bodies().every((b, i) => b === String(i)));
    await broker.close();
  });
});
