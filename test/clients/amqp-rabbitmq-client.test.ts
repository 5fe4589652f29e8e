import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AMQPChannelError, Connection, ConsumerStatus, type AsyncMessage, type ReturnedMessage } from 'rabbitmq-client';
import { startAmqpBroker, unique, type AmqpTestBroker } from './amqp-support/broker.js';

describe('rabbitmq-client', () => {
  let broker: AmqpTestBroker;
  let rabbit: Connection;
  before(async () => {
    broker = await startAmqpBroker();
    rabbit = new Connection({ url: broker.url, retryLow: 50, retryHigh: 200 });
    await rabbit.onConnect(5000);
  });
  after(async () => {
    await rabbit.close();
    await broker.close();
  });

  it('declares, binds, publishes with confirms and consumes with acks', async () => {
    const received: AsyncMessage[] = [];
    let ready!: Promise<void>;
    const done = new Promise<void>((resolve) => {
      const sub = rabbit.createConsumer(
        {
          queue: unique('rc-orders'),
          queueOptions: { durable: true },
          qos: { prefetchCount: 2 },
          exchanges: [{ exchange: unique('rc-ex'), type: 'topic' }],
          queueBindings: [{ exchange: unique('rc-ex'), routingKey: 'order.*' }],
        },
        (msg) => {
          received.push(msg);
          if (received.length === 3) {
            resolve();
            void sub.close();
          }
          return ConsumerStatus.ACK;
        },
      );
      ready = new Promise((r) => sub.once('ready', r));
    });
    await ready;
    const pub = rabbit.createPublisher({ confirm: true, exchanges: [{ exchange: unique('rc-ex'), type: 'topic' }] });
    for (const id of [1, 2, 3]) await pub.send({ exchange: unique('rc-ex'), routingKey: 'order.created', headers: { id } }, { id });
    await done;
    assert.deepEqual(received.map((m) => m.body), [{ id: 1 }, { id: 2 }, { id: 3 }]);
    assert.deepEqual(received.map((m) => m.headers?.id), [1, 2, 3]);
    assert.equal(received[0]!.contentType, 'application/json');
    await pub.close();
  });

  it('requeued messages come back redelivered and in order', async () => {
    await rabbit.queueDeclare({ queue: unique('rc-requeue') });
    const pub = rabbit.createPublisher({ confirm: true });
    for (const b of ['a', 'b']) await pub.send(unique('rc-requeue'), b);
    const seen: [string, boolean][] = [];
    await new Promise<void>((resolve) => {
      const sub = rabbit.createConsumer({ queue: unique('rc-requeue'), qos: { prefetchCount: 2 } }, (msg) => {
        seen.push([String(msg.body), msg.redelivered]);
        if (seen.length === 4) {
          resolve();
          void sub.close();
        }
        return msg.redelivered ? ConsumerStatus.ACK : ConsumerStatus.REQUEUE;
      });
    });
    assert.deepEqual(seen.slice(0, 2), [
      ['a', false],
      ['b', false],
    ]);
    assert.deepEqual(
      seen.slice(2).sort(),
      [
        ['a', true],
        ['b', true],
      ],
    );
    await pub.close();
  });

  it('mandatory publishes to nowhere are returned', async () => {
    const pub = rabbit.createPublisher({ confirm: true });
    const returned = new Promise<ReturnedMessage>((resolve) => pub.on('basic.return', resolve));
    await pub.send({ routingKey: 'rc-no-such-queue', mandatory: true }, 'lost');
    const msg = await returned;
    assert.equal(msg.replyCode, 312);
    assert.equal(msg.body, 'lost');
    await pub.close();
  });

  it('basic.get and channel errors through a raw channel', async () => {
    const ch = await rabbit.acquire();
    await ch.queueDeclare({ queue: unique('rc-get'), exclusive: true });
    await ch.confirmSelect();
    await ch.basicPublish({ routingKey: unique('rc-get') }, 'one');
    const msg = await ch.basicGet({ queue: unique('rc-get'), noAck: true });
    assert.equal(msg?.body, 'one');
    assert.equal(await ch.basicGet({ queue: unique('rc-get') }), undefined);
    await assert.rejects(ch.queueDeclare({ queue: 'rc-missing', passive: true }), (err: AMQPChannelError) => {
      assert.equal(err.code, 'NOT_FOUND');
      assert.match(err.message, /no queue 'rc-missing' in vhost '\/'/);
      return true;
    });
    const again = await rabbit.acquire();
    assert.equal((await again.queueDeclare({ queue: unique('rc-after-error') })).queue, unique('rc-after-error'));
    await again.close();
  });
});
