import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage, type Message } from 'amqplib';
import { MethodId } from '../../src/amqp/codec/index.js';
import { startAmqpBroker, unique, type AmqpTestBroker } from './amqp-support/broker.js';

/** Resolves with the next `count` deliveries of a consumer callback queue. */
function collector(): { push(m: ConsumeMessage): void; next(count: number): Promise<ConsumeMessage[]> } {
  const buffered: ConsumeMessage[] = [];
  let wake: (() => void) | undefined;
  return {
    push(m) {
      buffered.push(m);
      wake?.();
    },
    async next(count) {
      const deadline = Date.now() + 5000;
      while (buffered.length < count) {
        if (Date.now() > deadline) throw new Error(`only ${buffered.length}/${count} deliveries`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 100);
        });
      }
      return buffered.splice(0, count);
    },
  };
}

describe('amqplib: confirms, returns, acknowledgements', () => {
  let broker: AmqpTestBroker;
  let conn: ChannelModel;
  before(async () => {
    broker = await startAmqpBroker();
    conn = await amqp.connect(broker.url);
  });
  after(async () => {
    await conn.close();
    await broker.close();
  });

  it('publisher confirms ack every message once it is stored', async () => {
    const ch: ConfirmChannel = await conn.createConfirmChannel();
    await ch.assertQueue(unique('confirm-q'), { durable: true });
    const acked: number[] = [];
    const pending = Array.from({ length: 200 }, (_, i) =>
      new Promise<void>((resolve, reject) =>
        ch.sendToQueue(unique('confirm-q'), Buffer.from(String(i)), { persistent: true }, (err) => {
          if (err) reject(err);
          else {
            acked.push(i);
            resolve();
          }
        }),
      ),
    );
    await Promise.all(pending);
    await ch.waitForConfirms();
    assert.equal(acked.length, 200);
    assert.equal((await ch.checkQueue(unique('confirm-q'))).messageCount, 200);
    await ch.close();
  });

  it('a burst mixing stored, refused, unroutable and mandatory publishes gets each its own confirm, in order', async () => {
    // Publishes stored in one batch are confirmed together; refused and unroutable ones share settled
    // outcomes. Interleaving them checks every publish still gets exactly its own ack or nack.
    const ch: ConfirmChannel = await conn.createConfirmChannel();
    await ch.assertQueue(unique('burst-plain'), { durable: true });
    await ch.assertQueue(unique('burst-limited'), { durable: true, arguments: { 'x-max-length': 3, 'x-overflow': 'reject-publish' } });
    let returned = 0;
    ch.on('return', () => returned++);
    const kinds = ['plain', 'limited', 'unroutable', 'mandatory-unroutable', 'limited', 'plain'] as const;
    const expected: boolean[] = [];
    const outcomes: Promise<boolean>[] = [];
    let limitedSent = 0;
    for (let i = 0; i < 60; i++) {
      const kind = kinds[i % kinds.length]!;
      const queue = kind === 'plain' ? unique('burst-plain') : kind === 'limited' ? unique('burst-limited') : unique('burst-nowhere');
      expected.push(kind !== 'limited' || limitedSent++ < 3);
      outcomes.push(new Promise((resolve) => ch.publish('', queue, Buffer.from(String(i)), { persistent: true, mandatory: kind === 'mandatory-unroutable' }, (err) => resolve(!err))));
    }
    assert.deepEqual(await Promise.all(outcomes), expected);
    assert.equal(returned, 10);
    assert.equal((await ch.checkQueue(unique('burst-plain'))).messageCount, 20);
    assert.equal((await ch.checkQueue(unique('burst-limited'))).messageCount, 3);
    await ch.close();
  });

  it('a mandatory unroutable message comes back as basic.return (312 NO_ROUTE) and is still confirmed', async () => {
    const ch = await conn.createConfirmChannel();
    const returned = new Promise<Message>((resolve) => ch.on('return', resolve));
    await ch.assertExchange(unique('ret.ex'), 'direct');
    const confirmed = new Promise<void>((resolve, reject) => ch.publish(unique('ret.ex'), 'no-such-key', Buffer.from('lost'), { mandatory: true }, (err) => (err ? reject(err) : resolve())));
    const msg = await returned;
    assert.equal(msg.content.toString(), 'lost');
    const fields = msg.fields as typeof msg.fields & { replyCode: number; replyText: string };
    assert.equal(fields.replyCode, 312);
    assert.equal(fields.replyText, 'NO_ROUTE');
    assert.equal(msg.fields.exchange, unique('ret.ex'));
    assert.equal(msg.fields.routingKey, 'no-such-key');
    await confirmed;
    await ch.close();
  });

  it('prefetch limits unacknowledged deliveries per consumer', async () => {
    const ch = await conn.createChannel();
    await ch.assertQueue(unique('prefetch-q'));
    for (let i = 0; i < 10; i++) ch.sendToQueue(unique('prefetch-q'), Buffer.from(String(i)));
    await ch.prefetch(3);
    const got = collector();
    await ch.consume(unique('prefetch-q'), (m) => m && got.push(m));
    const first = await got.next(3);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await ch.checkQueue(unique('prefetch-q'))).messageCount, 7, 'no more than 3 in flight');
    ch.ack(first[2]!, true);
    const second = await got.next(3);
    assert.deepEqual(second.map((m) => m.content.toString()), ['3', '4', '5']);
    await ch.close();
  });

  it('nack with requeue puts messages back in order, marked redelivered', async () => {
    const ch = await conn.createChannel();
    await ch.assertQueue(unique('nack-q'));
    for (const b of ['a', 'b', 'c']) ch.sendToQueue(unique('nack-q'), Buffer.from(b));
    const got = collector();
    const { consumerTag } = await ch.consume(unique('nack-q'), (m) => m && got.push(m));
    const first = await got.next(3);
    assert.deepEqual(first.map((m) => m.fields.redelivered), [false, false, false]);
    ch.nack(first[2]!, true, true);
    const again = await got.next(3);
    assert.deepEqual(again.map((m) => m.content.toString()), ['a', 'b', 'c']);
    assert.deepEqual(again.map((m) => m.fields.redelivered), [true, true, true]);
    ch.reject(again[0]!, false);
    ch.ack(again[2]!, true);
    await ch.cancel(consumerTag);
    assert.equal((await ch.checkQueue(unique('nack-q'))).messageCount, 0);
    await ch.close();
  });

  it('closing a channel returns its unacknowledged messages to the queue', async () => {
    const ch = await conn.createChannel();
    await ch.assertQueue(unique('unacked-q'));
    ch.sendToQueue(unique('unacked-q'), Buffer.from('keep'));
    const got = collector();
    await ch.consume(unique('unacked-q'), (m) => m && got.push(m));
    await got.next(1);
    await ch.close();
    const ch2 = await conn.createChannel();
    const msg = await ch2.get(unique('unacked-q'), { noAck: true });
    assert.ok(msg);
    assert.equal(msg.content.toString(), 'keep');
    assert.equal(msg.fields.redelivered, true);
    await ch2.close();
  });

  it('basic.recover redelivers unacknowledged messages', async () => {
    const ch = await conn.createChannel();
    await ch.assertQueue(unique('recover-q'));
    ch.sendToQueue(unique('recover-q'), Buffer.from('r'));
    const got = collector();
    await ch.consume(unique('recover-q'), (m) => m && got.push(m));
    await got.next(1);
    await ch.recover();
    const [again] = await got.next(1);
    assert.equal(again!.fields.redelivered, true);
    ch.ack(again!);
    await ch.close();
  });

  it('transactions apply publishes on commit and drop them on rollback', async () => {
    const ch = await conn.createChannel();
    await ch.assertQueue(unique('tx-q'));
    // amqplib has no tx API; its generic RPC sends the tx methods (ids are (class << 16) | method, as in the spec).
    const rpc = (method: number, expect: number): Promise<unknown> =>
      (ch as unknown as { rpc(m: number, fields: object, e: number): Promise<unknown> }).rpc(method, {}, expect);
    await rpc(MethodId.TxSelect, MethodId.TxSelectOk);
    ch.sendToQueue(unique('tx-q'), Buffer.from('committed'));
    assert.equal((await ch.checkQueue(unique('tx-q'))).messageCount, 0, 'not visible before commit');
    await rpc(MethodId.TxCommit, MethodId.TxCommitOk);
    ch.sendToQueue(unique('tx-q'), Buffer.from('rolled-back'));
    await rpc(MethodId.TxRollback, MethodId.TxRollbackOk);
    assert.equal((await ch.checkQueue(unique('tx-q'))).messageCount, 1);
    const msg = await ch.get(unique('tx-q'), { noAck: true });
    assert.ok(msg);
    assert.equal(msg.content.toString(), 'committed');
    await ch.close();
  });

  it('a consumer is told when its queue is deleted (consumer_cancel_notify)', async () => {
    const ch: Channel = await conn.createChannel();
    await ch.assertQueue(unique('cancel-notify-q'));
    let notify!: (m: ConsumeMessage | null) => void;
    const cancelled = new Promise<ConsumeMessage | null>((resolve) => (notify = resolve));
    await ch.consume(unique('cancel-notify-q'), (m) => {
      if (m === null) notify(m);
    });
    const other = await conn.createChannel();
    await other.deleteQueue(unique('cancel-notify-q'));
    assert.equal(await cancelled, null);
    await other.close();
    await ch.close();
  });
});
