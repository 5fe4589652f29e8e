import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { startAmqpBroker, type AmqpTestBroker } from './amqp-support/broker.js';

/** Collects `count` messages from a queue with a consumer, then cancels it. */
async function consumeN(ch: Channel, queue: string, count: number): Promise<ConsumeMessage[]> {
  const got: ConsumeMessage[] = [];
  let tag = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`got ${got.length}/${count} from ${queue}`)), 5000);
    void ch
      .consume(queue, (msg) => {
        if (!msg) return;
        got.push(msg);
        ch.ack(msg);
        if (got.length === count) {
          clearTimeout(timer);
          resolve();
        }
      })
      .then((ok) => (tag = ok.consumerTag), reject);
  });
  await ch.cancel(tag);
  return got;
}

describe('amqplib: exchanges route to queues', () => {
  let broker: AmqpTestBroker;
  let conn: ChannelModel;
  let ch: Channel;
  let confirmCh: ConfirmChannel;
  before(async () => {
    broker = await startAmqpBroker();
    conn = await amqp.connect(broker.url);
    ch = await conn.createChannel();
    confirmCh = await conn.createConfirmChannel();
  });
  after(async () => {
    await conn.close();
    await broker.close();
  });

  it('the default exchange routes by queue name, with properties and body intact', async () => {
    const q = await ch.assertQueue('default-q', { durable: true });
    assert.equal(q.queue, 'default-q');
    assert.equal(q.messageCount, 0);
    ch.sendToQueue('default-q', Buffer.from('hello'), {
      contentType: 'text/plain',
      headers: { a: 1, b: 'two', c: true, d: { nested: [1, 'x'] } },
      persistent: true,
      priority: 3,
      correlationId: 'c-1',
      replyTo: 'r',
      messageId: 'm-1',
      timestamp: 1700000000,
      type: 't',
      appId: 'app',
    });
    const [msg] = await consumeN(ch, 'default-q', 1);
    assert.equal(msg!.content.toString(), 'hello');
    assert.equal(msg!.fields.exchange, '');
    assert.equal(msg!.fields.routingKey, 'default-q');
    assert.equal(msg!.fields.redelivered, false);
    const p = msg!.properties;
    assert.equal(p.contentType, 'text/plain');
    assert.deepEqual(p.headers, { a: 1, b: 'two', c: true, d: { nested: [1, 'x'] } });
    assert.equal(p.deliveryMode, 2);
    assert.equal(p.priority, 3);
    assert.equal(p.correlationId, 'c-1');
    assert.equal(p.replyTo, 'r');
    assert.equal(p.messageId, 'm-1');
    assert.equal(p.timestamp, 1700000000);
    assert.equal(p.type, 't');
    assert.equal(p.appId, 'app');
  });

  it('a server-named queue gets an amq.gen- name', async () => {
    const q = await ch.assertQueue('', { exclusive: true });
    assert.match(q.queue, /^amq\.gen-/);
  });

  it('direct exchanges route on exact keys', async () => {
    await ch.assertExchange('ex.direct', 'direct');
    await ch.assertQueue('direct-a');
    await ch.assertQueue('direct-b');
    await ch.bindQueue('direct-a', 'ex.direct', 'a');
    await ch.bindQueue('direct-b', 'ex.direct', 'b');
    ch.publish('ex.direct', 'a', Buffer.from('to-a'));
    ch.publish('ex.direct', 'b', Buffer.from('to-b'));
    ch.publish('ex.direct', 'c', Buffer.from('nowhere'));
    assert.deepEqual((await consumeN(ch, 'direct-a', 1)).map((m) => m.content.toString()), ['to-a']);
    assert.deepEqual((await consumeN(ch, 'direct-b', 1)).map((m) => m.content.toString()), ['to-b']);
    assert.equal((await ch.checkQueue('direct-a')).messageCount, 0);
  });

  it('fanout exchanges copy to every bound queue', async () => {
    await ch.assertExchange('ex.fanout', 'fanout');
    for (const q of ['fan-1', 'fan-2']) {
      await ch.assertQueue(q);
      await ch.bindQueue(q, 'ex.fanout', '');
    }
    ch.publish('ex.fanout', 'ignored', Buffer.from('all'));
    for (const q of ['fan-1', 'fan-2']) assert.equal((await consumeN(ch, q, 1))[0]!.content.toString(), 'all');
  });

  it('topic exchanges match * and # patterns', async () => {
    await ch.assertExchange('ex.topic', 'topic');
    await ch.assertQueue('topic-star');
    await ch.assertQueue('topic-hash');
    await ch.bindQueue('topic-star', 'ex.topic', 'stock.*.nyse');
    await ch.bindQueue('topic-hash', 'ex.topic', 'stock.#');
    for (const key of ['stock.ibm.nyse', 'stock.ibm.lse', 'stock', 'bond.x.nyse']) ch.publish('ex.topic', key, Buffer.from(key));
    assert.deepEqual((await consumeN(ch, 'topic-star', 1)).map((m) => m.content.toString()), ['stock.ibm.nyse']);
    assert.deepEqual((await consumeN(ch, 'topic-hash', 3)).map((m) => m.content.toString()), ['stock.ibm.nyse', 'stock.ibm.lse', 'stock']);
  });

  it('headers exchanges match all or any headers', async () => {
    await ch.assertExchange('ex.headers', 'headers');
    await ch.assertQueue('hdr-all');
    await ch.assertQueue('hdr-any');
    await ch.bindQueue('hdr-all', 'ex.headers', '', { 'x-match': 'all', kind: 'report', year: 2024 });
    await ch.bindQueue('hdr-any', 'ex.headers', '', { 'x-match': 'any', kind: 'report', year: 2024 });
    ch.publish('ex.headers', '', Buffer.from('both'), { headers: { kind: 'report', year: 2024 } });
    ch.publish('ex.headers', '', Buffer.from('one'), { headers: { kind: 'report', year: 2023 } });
    ch.publish('ex.headers', '', Buffer.from('none'), { headers: { kind: 'memo' } });
    assert.deepEqual((await consumeN(ch, 'hdr-all', 1)).map((m) => m.content.toString()), ['both']);
    assert.deepEqual((await consumeN(ch, 'hdr-any', 2)).map((m) => m.content.toString()), ['both', 'one']);
  });

  it('exchange-to-exchange bindings forward messages', async () => {
    await ch.assertExchange('ex.src', 'topic');
    await ch.assertExchange('ex.dst', 'fanout');
    await ch.bindExchange('ex.dst', 'ex.src', 'k.#');
    await ch.assertQueue('e2e');
    await ch.bindQueue('e2e', 'ex.dst', '');
    ch.publish('ex.src', 'k.1', Buffer.from('via-e2e'));
    assert.equal((await consumeN(ch, 'e2e', 1))[0]!.content.toString(), 'via-e2e');
    await ch.unbindExchange('ex.dst', 'ex.src', 'k.#');
    await ch.deleteExchange('ex.dst');
  });

  it('basic.get returns messages then get-empty, with the remaining count', async () => {
    await ch.assertQueue('get-q');
    confirmCh.sendToQueue('get-q', Buffer.from('1'));
    confirmCh.sendToQueue('get-q', Buffer.from('2'));
    await confirmCh.waitForConfirms();
    const first = await ch.get('get-q', { noAck: true });
    assert.ok(first);
    assert.equal(first.content.toString(), '1');
    assert.equal(first.fields.messageCount, 1);
    const second = await ch.get('get-q');
    assert.ok(second);
    ch.ack(second);
    assert.equal(await ch.get('get-q'), false);
  });

  it('purge and delete report message counts', async () => {
    await ch.assertQueue('purge-q');
    for (let i = 0; i < 3; i++) confirmCh.sendToQueue('purge-q', Buffer.from(String(i)));
    await confirmCh.waitForConfirms();
    assert.equal((await ch.purgeQueue('purge-q')).messageCount, 3);
    confirmCh.sendToQueue('purge-q', Buffer.from('x'));
    await confirmCh.waitForConfirms();
    assert.equal((await ch.deleteQueue('purge-q')).messageCount, 1);
  });

  it('large messages are split over frames and reassembled', async () => {
    await ch.assertQueue('big-q');
    const body = Buffer.alloc(1_000_000);
    for (let i = 0; i < body.length; i++) body[i] = i % 251;
    ch.sendToQueue('big-q', body);
    const [msg] = await consumeN(ch, 'big-q', 1);
    assert.ok(msg!.content.equals(body));
  });
});
