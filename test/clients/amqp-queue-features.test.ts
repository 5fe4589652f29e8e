import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';
import { startAmqpBroker, unique, type AmqpTestBroker } from './amqp-support/broker.js';

/** Polls basic.get until a message arrives (TTL, dead-lettering and requeues happen in the background). */
async function getEventually(ch: Channel, queue: string, noAck = true, timeoutMs = 5000): Promise<GetMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const msg = await ch.get(queue, { noAck });
    if (msg) return msg;
    if (Date.now() > deadline) throw new Error(`nothing arrived in ${queue}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * `x-delivery-count` on the first delivery from a quorum queue: absent, as in current RabbitMQ (3.12 and
 * later); RabbitMQ 3.10 and 3.11 sent 0.
 */
function firstDeliveryCount(conn: ChannelModel): number | undefined {
  const { product, version } = conn.connection.serverProperties;
  const [major, minor] = String(version).split('.').map(Number);
  return product === 'RabbitMQ' && major === 3 && minor < 12 ? 0 : undefined;
}

type Death = { count: number; reason: string; queue: string; exchange: string; 'routing-keys': string[] };

describe('amqplib: dead-lettering, TTL, length limits, delivery limits', () => {
  let broker: AmqpTestBroker;
  let conn: ChannelModel;
  let ch: Channel;
  let pub: ConfirmChannel;
  before(async () => {
    broker = await startAmqpBroker();
    conn = await amqp.connect(broker.url);
    ch = await conn.createChannel();
    pub = await conn.createConfirmChannel();
    await ch.assertExchange(unique('dlx'), 'fanout');
    await ch.assertQueue(unique('dead'));
    await ch.bindQueue(unique('dead'), unique('dlx'), '');
  });
  after(async () => {
    await conn.close();
    await broker.close();
  });

  it('a rejected message is dead-lettered with an x-death header', async () => {
    await ch.assertQueue(unique('work'), { arguments: { 'x-dead-letter-exchange': unique('dlx') } });
    pub.sendToQueue(unique('work'), Buffer.from('bad'), { headers: { keep: 'me' } });
    await pub.waitForConfirms();
    const msg = await ch.get(unique('work'));
    assert.ok(msg);
    ch.reject(msg, false);
    const dead = await getEventually(ch, unique('dead'));
    assert.equal(dead.content.toString(), 'bad');
    assert.equal(dead.properties.headers?.keep, 'me');
    const deaths = dead.properties.headers?.['x-death'] as Death[];
    assert.equal(deaths.length, 1);
    assert.equal(deaths[0]!.reason, 'rejected');
    assert.equal(deaths[0]!.queue, unique('work'));
    assert.equal(deaths[0]!.count, 1);
    assert.deepEqual(deaths[0]!['routing-keys'], [unique('work')]);
    assert.equal(dead.properties.headers?.['x-first-death-reason'], 'rejected');
  });

  it('per-queue TTL expires messages into the dead-letter exchange', async () => {
    await ch.assertQueue(unique('ttl-q'), { arguments: { 'x-message-ttl': 50, 'x-dead-letter-exchange': unique('dlx') } });
    pub.sendToQueue(unique('ttl-q'), Buffer.from('old'));
    await pub.waitForConfirms();
    const dead = await getEventually(ch, unique('dead'));
    assert.equal(dead.content.toString(), 'old');
    assert.equal((dead.properties.headers?.['x-death'] as Death[])[0]!.reason, 'expired');
    assert.equal(await ch.get(unique('ttl-q')), false);
  });

  it('per-message expiration drops the message when it is due', async () => {
    await ch.assertQueue(unique('expiry-q'));
    pub.sendToQueue(unique('expiry-q'), Buffer.from('short'), { expiration: '30' });
    pub.sendToQueue(unique('expiry-q'), Buffer.from('long'), { expiration: '60000' });
    await pub.waitForConfirms();
    await new Promise((r) => setTimeout(r, 100));
    const msg = await ch.get(unique('expiry-q'), { noAck: true });
    assert.ok(msg);
    assert.equal(msg.content.toString(), 'long');
  });

  it('x-max-length drops the oldest messages (drop-head) into the dead-letter exchange', async () => {
    await ch.assertQueue(unique('maxlen-q'), { arguments: { 'x-max-length': 2, 'x-dead-letter-exchange': unique('dlx') } });
    for (const b of ['1', '2', '3']) pub.sendToQueue(unique('maxlen-q'), Buffer.from(b));
    await pub.waitForConfirms();
    assert.equal((await ch.checkQueue(unique('maxlen-q'))).messageCount, 2);
    const dead = await getEventually(ch, unique('dead'));
    assert.equal(dead.content.toString(), '1');
    assert.equal((dead.properties.headers?.['x-death'] as Death[])[0]!.reason, 'maxlen');
    assert.equal((await ch.get(unique('maxlen-q'), { noAck: true }) as GetMessage).content.toString(), '2');
  });

  it('x-overflow reject-publish nacks the confirm of a message that does not fit', async () => {
    await ch.assertQueue(unique('reject-pub-q'), { arguments: { 'x-max-length': 1, 'x-overflow': 'reject-publish' } });
    const outcome = (body: string) =>
      new Promise<boolean>((resolve) => pub.sendToQueue(unique('reject-pub-q'), Buffer.from(body), {}, (err) => resolve(err === null || err === undefined)));
    assert.equal(await outcome('fits'), true);
    assert.equal(await outcome('refused'), false);
    assert.equal((await ch.checkQueue(unique('reject-pub-q'))).messageCount, 1);
  });

  it('a quorum queue dead-letters a message after x-delivery-limit redeliveries', async () => {
    await ch.assertQueue(unique('limited-q'), { durable: true, arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': 1, 'x-dead-letter-exchange': unique('dlx') } });
    pub.sendToQueue(unique('limited-q'), Buffer.from('poison'));
    await pub.waitForConfirms();
    const consumer = await conn.createChannel();
    let deliveries = 0;
    await consumer.consume(unique('limited-q'), (m) => {
      if (!m) return;
      deliveries++;
      consumer.nack(m, false, true);
    });
    const dead = await getEventually(ch, unique('dead'));
    assert.equal(dead.content.toString(), 'poison');
    assert.equal((dead.properties.headers?.['x-death'] as Death[])[0]!.reason, 'delivery_limit');
    assert.equal(deliveries, 2, 'delivered once, redelivered once, then dead-lettered');
    await consumer.close();
  });
  it('length limits hold for a burst published without waiting for confirms', async () => {
    const bodies = ['aaaa1', 'aaaa2', 'aaaa3', 'aaaa4'];
    const drain = async (queue: string): Promise<string[]> => {
      const got: string[] = [];
      for (let m = await ch.get(queue, { noAck: true }); m; m = await ch.get(queue, { noAck: true })) got.push(m.content.toString());
      return got;
    };
    await ch.assertQueue(unique('max-bytes-q'), { arguments: { 'x-max-length-bytes': 10 } });
    await ch.assertQueue(unique('max-count-q'), { arguments: { 'x-max-length': 2 } });
    for (const b of bodies) {
      pub.sendToQueue(unique('max-bytes-q'), Buffer.from(b));
      pub.sendToQueue(unique('max-count-q'), Buffer.from(b));
    }
    await pub.waitForConfirms();
    assert.deepEqual(await drain(unique('max-bytes-q')), ['aaaa3', 'aaaa4']);
    assert.deepEqual(await drain(unique('max-count-q')), ['aaaa3', 'aaaa4']);
    await ch.assertQueue(unique('reject-bytes-q'), { arguments: { 'x-max-length-bytes': 10, 'x-overflow': 'reject-publish' } });
    const outcomes = bodies.map(
      (b) => new Promise<boolean>((resolve) => pub.sendToQueue(unique('reject-bytes-q'), Buffer.from(b), {}, (err) => resolve(err === null || err === undefined))),
    );
    assert.deepEqual(await Promise.all(outcomes), [true, true, false, false]);
    assert.deepEqual(await drain(unique('reject-bytes-q')), ['aaaa1', 'aaaa2']);
  });

  it('a quorum queue reports x-delivery-count from the first redelivery on', async () => {
    await ch.assertQueue(unique('count-q'), { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    pub.sendToQueue(unique('count-q'), Buffer.from('m'));
    await pub.waitForConfirms();
    const first = await getEventually(ch, unique('count-q'), false);
    assert.equal(first.properties.headers?.['x-delivery-count'], firstDeliveryCount(conn));
    ch.nack(first, false, true);
    const second = await getEventually(ch, unique('count-q'), false);
    assert.equal(second.fields.redelivered, true);
    assert.equal(second.properties.headers?.['x-delivery-count'], 1);
    ch.ack(second);
  });
});
