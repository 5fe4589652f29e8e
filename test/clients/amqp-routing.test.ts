import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { startAmqpBroker, unique, type AmqpTestBroker } from './amqp-support/broker.js';

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
    const q = await ch.assertQueue(unique('default-q'), { durable: true });
    assert.equal(q.queue, unique('default-q'));
    assert.equal(q.messageCount, 0);
    ch.sendToQueue(unique('default-q'), Buffer.from('hello'), {
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
    const [msg] = await consumeN(ch, unique('default-q'), 1);
    assert.equal(msg!.content.toString(), 'hello');
    assert.equal(msg!.fields.exchange, '');
    assert.equal(msg!.fields.routingKey, unique('default-q'));
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
    await ch.assertExchange(unique('ex.direct'), 'direct');
    await ch.assertQueue(unique('direct-a'));
    await ch.assertQueue(unique('direct-b'));
    await ch.bindQueue(unique('direct-a'), unique('ex.direct'), 'a');
    await ch.bindQueue(unique('direct-b'), unique('ex.direct'), 'b');
    ch.publish(unique('ex.direct'), 'a', Buffer.from('to-a'));
    ch.publish(unique('ex.direct'), 'b', Buffer.from('to-b'));
    ch.publish(unique('ex.direct'), 'c', Buffer.from('nowhere'));
    assert.deepEqual((await consumeN(ch, unique('direct-a'), 1)).map((m) => m.content.toString()), ['to-a']);
    assert.deepEqual((await consumeN(ch, unique('direct-b'), 1)).map((m) => m.content.toString()), ['to-b']);
    assert.equal((await ch.checkQueue(unique('direct-a'))).messageCount, 0);
  });

  it('fanout exchanges copy to every bound queue', async () => {
    await ch.assertExchange(unique('ex.fanout'), 'fanout');
    for (const q of [unique('fan-1'), unique('fan-2')]) {
      await ch.assertQueue(q);
      await ch.bindQueue(q, unique('ex.fanout'), '');
    }
    ch.publish(unique('ex.fanout'), 'ignored', Buffer.from('all'));
    for (const q of [unique('fan-1'), unique('fan-2')]) assert.equal((await consumeN(ch, q, 1))[0]!.content.toString(), 'all');
  });

  it('topic exchanges match * and # patterns', async () => {
    await ch.assertExchange(unique('ex.topic'), 'topic');
    await ch.assertQueue(unique('topic-star'));
    await ch.assertQueue(unique('topic-hash'));
    await ch.bindQueue(unique('topic-star'), unique('ex.topic'), 'stock.*.nyse');
    await ch.bindQueue(unique('topic-hash'), unique('ex.topic'), 'stock.#');
    for (const key of ['stock.ibm.nyse', 'stock.ibm.lse', 'stock', 'bond.x.nyse']) ch.publish(unique('ex.topic'), key, Buffer.from(key));
    assert.deepEqual((await consumeN(ch, unique('topic-star'), 1)).map((m) => m.content.toString()), ['stock.ibm.nyse']);
    assert.deepEqual((await consumeN(ch, unique('topic-hash'), 3)).map((m) => m.content.toString()), ['stock.ibm.nyse', 'stock.ibm.lse', 'stock']);
  });

  it('headers exchanges match all or any headers', async () => {
    await ch.assertExchange(unique('ex.headers'), 'headers');
    await ch.assertQueue(unique('hdr-all'));
    await ch.assertQueue(unique('hdr-any'));
    await ch.bindQueue(unique('hdr-all'), unique('ex.headers'), '', { 'x-match': 'all', kind: 'report', year: 2024 });
    await ch.bindQueue(unique('hdr-any'), unique('ex.headers'), '', { 'x-match': 'any', kind: 'report', year: 2024 });
    ch.publish(unique('ex.headers'), '', Buffer.from('both'), { headers: { kind: 'report', year: 2024 } });
    ch.publish(unique('ex.headers'), '', Buffer.from('one'), { headers: { kind: 'report', year: 2023 } });
    ch.publish(unique('ex.headers'), '', Buffer.from('none'), { headers: { kind: 'memo' } });
    assert.deepEqual((await consumeN(ch, unique('hdr-all'), 1)).map((m) => m.content.toString()), ['both']);
    assert.deepEqual((await consumeN(ch, unique('hdr-any'), 2)).map((m) => m.content.toString()), ['both', 'one']);
  });

  it('exchange-to-exchange bindings forward messages', async () => {
    await ch.assertExchange(unique('ex.src'), 'topic');
    await ch.assertExchange(unique('ex.dst'), 'fanout');
    await ch.bindExchange(unique('ex.dst'), unique('ex.src'), 'k.#');
    await ch.assertQueue(unique('e2e'));
    await ch.bindQueue(unique('e2e'), unique('ex.dst'), '');
    ch.publish(unique('ex.src'), 'k.1', Buffer.from('via-e2e'));
    assert.equal((await consumeN(ch, unique('e2e'), 1))[0]!.content.toString(), 'via-e2e');
    await ch.unbindExchange(unique('ex.dst'), unique('ex.src'), 'k.#');
    await ch.deleteExchange(unique('ex.dst'));
  });

  it('basic.get returns messages then get-empty, with the remaining count', async () => {
    await ch.assertQueue(unique('get-q'));
    confirmCh.sendToQueue(unique('get-q'), Buffer.from('1'));
    confirmCh.sendToQueue(unique('get-q'), Buffer.from('2'));
    await confirmCh.waitForConfirms();
    const first = await ch.get(unique('get-q'), { noAck: true });
    assert.ok(first);
    assert.equal(first.content.toString(), '1');
    assert.equal(first.fields.messageCount, 1);
    const second = await ch.get(unique('get-q'));
    assert.ok(second);
    ch.ack(second);
    assert.equal(await ch.get(unique('get-q')), false);
  });

  it('purge and delete report message counts', async () => {
    await ch.assertQueue(unique('purge-q'));
    for (let i = 0; i < 3; i++) confirmCh.sendToQueue(unique('purge-q'), Buffer.from(String(i)));
    await confirmCh.waitForConfirms();
    assert.equal((await ch.purgeQueue(unique('purge-q'))).messageCount, 3);
    confirmCh.sendToQueue(unique('purge-q'), Buffer.from('x'));
    await confirmCh.waitForConfirms();
    assert.equal((await ch.deleteQueue(unique('purge-q'))).messageCount, 1);
  });

  it('large messages are split over frames and reassembled', async () => {
    await ch.assertQueue(unique('big-q'));
    const body = Buffer.alloc(1_000_000);
    for (let i = 0; i < body.length; i++) body[i] = i % 251;
    ch.sendToQueue(unique('big-q'), body);
    const [msg] = await consumeN(ch, unique('big-q'), 1);
    assert.ok(msg!.content.equals(body));
  });
});
