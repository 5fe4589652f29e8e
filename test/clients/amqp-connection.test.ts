import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import amqp from 'amqplib';
import { FrameType, MethodId } from '../../src/amqp/codec/index.js';
import { RawConnection, referenceUrl, startAmqpBroker, startAmqpListener, switchyardOnly, unique, type AmqpTestBroker } from './amqp-support/broker.js';
import { amqplainResponse, connectionCloseOf, frames, methodsOf, openRawChannel, parseFrames } from './amqp-support/raw-client.js';

type Listener = Awaited<ReturnType<typeof startAmqpListener>>;

/**
 * Sends the protocol header and a start-ok with the given mechanism and response. Unless told otherwise
 * the client announces `authentication_failure_close`, as real clients do, so that refusals are explained.
 */
async function startOk(port: number, mechanism: string, response: Buffer, failureClose = true): Promise<RawConnection> {
  const raw = await RawConnection.open(port);
  raw.write(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1'));
  await raw.waitFor((r) => methodsOf(r).some((m) => m.method.id === MethodId.ConnectionStart));
  raw.write(frames((w) => w.method(0, { id: MethodId.ConnectionStartOk, args: { clientProperties: { capabilities: { authentication_failure_close: failureClose } }, mechanism, response, locale: 'en_US' } })));
  return raw;
}

/** Resolves once the server closed the socket (RabbitMQ waits a few seconds before it does). */
async function hangsUp(raw: RawConnection): Promise<void> {
  await Promise.race([raw.ended, new Promise((_, reject) => setTimeout(() => reject(new Error('the socket stayed open')), 8000))]);
}

describe('connection: handshake, authentication, tuning', () => {
  let broker: AmqpTestBroker;
  before(async () => {
    broker = referenceUrl !== undefined
      ? await startAmqpBroker()
      : await startAmqpListener({ users: [{ username: 'guest', password: 'guest' }, { username: 'app', password: 's3cret' }], heartbeat: 30 });
  });
  after(() => broker.close());

  it('advertises RabbitMQ capabilities and PLAIN/AMQPLAIN in connection.start', async () => {
    const raw = await RawConnection.open(broker.port);
    raw.write(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1'));
    await raw.waitFor((r) => methodsOf(r).length > 0);
    const start = methodsOf(raw.received)[0]!.method;
    assert.equal(start.id, MethodId.ConnectionStart);
    if (start.id !== MethodId.ConnectionStart) return;
    assert.equal(start.args.versionMajor, 0);
    assert.equal(start.args.versionMinor, 9);
    assert.equal(start.args.mechanisms.toString(), 'PLAIN AMQPLAIN');
    const caps = start.args.serverProperties.capabilities as Record<string, boolean>;
    for (const cap of ['publisher_confirms', 'exchange_exchange_bindings', 'basic.nack', 'consumer_cancel_notify', 'connection.blocked', 'authentication_failure_close', 'per_consumer_qos', 'consumer_priorities']) {
      assert.equal(caps[cap], true, cap);
    }
    // RabbitMQ advertises direct_reply_to; Switchyard does not implement amq.rabbitmq.reply-to.
    if (referenceUrl === undefined) assert.equal(caps.direct_reply_to, undefined);
    raw.close();
  });

  it('accepts configured users over PLAIN and refuses a wrong password with 403', { skip: switchyardOnly('configured users') }, async () => {
    const conn = await amqp.connect(`amqp://app:s3cret@127.0.0.1:${broker.port}`);
    await conn.close();
    await assert.rejects(amqp.connect(`amqp://app:wrong@127.0.0.1:${broker.port}`), /ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN/);
  });

  it('accepts AMQPLAIN and offers the tune parameters', { skip: switchyardOnly('configured users and heartbeat') }, async () => {
    const raw = await startOk(broker.port, 'AMQPLAIN', amqplainResponse('app', 's3cret'));
    await raw.waitFor((r) => methodsOf(r).some((m) => m.method.id === MethodId.ConnectionTune));
    const tune = methodsOf(raw.received).find((m) => m.method.id === MethodId.ConnectionTune)!.method;
    assert.deepEqual(tune.args, { channelMax: 2047, frameMax: 131072, heartbeat: 30 });
    raw.close();
  });

  it('closes the socket without a word on a mechanism it did not offer', async () => {
    const raw = await startOk(broker.port, 'EXTERNAL', Buffer.alloc(0));
    await hangsUp(raw);
    assert.deepEqual(methodsOf(raw.received).map((m) => m.method.id), [MethodId.ConnectionStart]);
  });

  it('refuses a wrong password with 403 to a client announcing authentication_failure_close', async () => {
    const raw = await startOk(broker.port, 'PLAIN', Buffer.from('\0guest\0wrong'));
    await raw.waitFor((r) => connectionCloseOf(r) !== undefined);
    assert.deepEqual(connectionCloseOf(raw.received), {
      replyCode: 403,
      replyText: 'ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile.',
      classId: 0,
      methodId: 0,
    });
    raw.close();
  });

  it('closes the socket on a wrong password from a client without authentication_failure_close', async () => {
    const raw = await startOk(broker.port, 'PLAIN', Buffer.from('\0guest\0wrong'), false);
    await hangsUp(raw);
    assert.deepEqual(methodsOf(raw.received).map((m) => m.method.id), [MethodId.ConnectionStart]);
  });

  it('refuses an unknown vhost with 530 NOT_ALLOWED', async () => {
    await assert.rejects(amqp.connect(`amqp://guest:guest@127.0.0.1:${broker.port}/nowhere`));
    const raw = await startOk(broker.port, 'PLAIN', Buffer.from('\0guest\0guest'));
    await raw.waitFor((r) => methodsOf(r).some((m) => m.method.id === MethodId.ConnectionTune));
    raw.write(
      frames((w) => {
        w.method(0, { id: MethodId.ConnectionTuneOk, args: { channelMax: 2047, frameMax: 131072, heartbeat: 0 } });
        w.method(0, { id: MethodId.ConnectionOpen, args: { virtualHost: 'nowhere', capabilities: '', insist: false } });
      }),
    );
    await raw.waitFor((r) => connectionCloseOf(r) !== undefined);
    assert.deepEqual(connectionCloseOf(raw.received), { replyCode: 530, replyText: 'NOT_ALLOWED - vhost nowhere not found', classId: 10, methodId: 40 });
    raw.close();
  });

  for (const [tune, text] of [
    [{ channelMax: 2047, frameMax: 1 << 20 }, 'negotiated frame_max = 1048576 is higher than the maximum allowed value (131072)'],
    [{ channelMax: 0, frameMax: 131072 }, 'negotiated channel_max = 0 (no limit) is higher than the maximum allowed value (2047)'],
    [{ channelMax: 2047, frameMax: 0 }, 'negotiated frame_max = 0 (no limit) is higher than the maximum allowed value (131072)'],
  ] as const) {
    it(`refuses a tune-ok above the offered limits with 530: ${text}`, { skip: switchyardOnly('RabbitMQ closes the socket without connection.close while tuning') }, async () => {
      const raw = await startOk(broker.port, 'PLAIN', Buffer.from('\0guest\0guest'));
      await raw.waitFor((r) => methodsOf(r).some((m) => m.method.id === MethodId.ConnectionTune));
      raw.write(frames((w) => w.method(0, { id: MethodId.ConnectionTuneOk, args: { ...tune, heartbeat: 0 } })));
      raw.write(frames((w) => w.method(0, { id: MethodId.ConnectionOpen, args: { virtualHost: '/', capabilities: '', insist: false } })));
      await raw.waitFor((r) => connectionCloseOf(r) !== undefined);
      assert.deepEqual(connectionCloseOf(raw.received), { replyCode: 530, replyText: `NOT_ALLOWED - ${text}`, classId: 10, methodId: 31 });
      raw.close();
    });
  }

  it('sends heartbeats at the negotiated interval', async () => {
    const raw = await startOk(broker.port, 'PLAIN', Buffer.from('\0guest\0guest'));
    await raw.waitFor((r) => methodsOf(r).some((m) => m.method.id === MethodId.ConnectionTune));
    raw.write(
      frames((w) => {
        w.method(0, { id: MethodId.ConnectionTuneOk, args: { channelMax: 2047, frameMax: 131072, heartbeat: 1 } });
        w.method(0, { id: MethodId.ConnectionOpen, args: { virtualHost: '/', capabilities: '', insist: false } });
      }),
    );
    await raw.waitFor((r) => parseFrames(r).some((f) => f.type === FrameType.HEARTBEAT), 4000);
    raw.close();
  });

  it('drops a client that sends nothing for two heartbeat intervals', async () => {
    const raw = await startOk(broker.port, 'PLAIN', Buffer.from('\0guest\0guest'));
    await raw.waitFor((r) => methodsOf(r).some((m) => m.method.id === MethodId.ConnectionTune));
    raw.write(
      frames((w) => {
        w.method(0, { id: MethodId.ConnectionTuneOk, args: { channelMax: 2047, frameMax: 131072, heartbeat: 1 } });
        w.method(0, { id: MethodId.ConnectionOpen, args: { virtualHost: '/', capabilities: '', insist: false } });
      }),
    );
    await Promise.race([raw.ended, new Promise((_, reject) => setTimeout(() => reject(new Error('not dropped')), 6000))]);
    assert.equal(connectionCloseOf(raw.received), undefined, 'the socket is closed without connection.close');
  });
});

describe('connection: limits, alarms and shutdown', { skip: switchyardOnly('listener options, alarms and shutdown') }, () => {
  let broker: Listener;
  before(async () => {
    broker = await startAmqpListener({ maxMessageBytes: 1000 });
  });
  after(() => broker.close());

  it('a message over maxMessageBytes closes the channel with 406, the connection stays usable', async () => {
    const conn = await amqp.connect(broker.url);
    const ch = await conn.createChannel();
    const closed = new Promise<Error & { code?: number }>((resolve) => ch.on('error', resolve));
    await ch.assertQueue('limited');
    ch.sendToQueue('limited', Buffer.alloc(2000));
    const err = await closed;
    assert.equal(err.code, 406);
    assert.match(err.message, /PRECONDITION_FAILED - message size 2000 is larger than configured max size 1000/);
    const ch2 = await conn.createChannel();
    ch2.sendToQueue('limited', Buffer.alloc(1000));
    await ch2.checkQueue('limited');
    await conn.close();
  });

  it('connection.blocked and unblocked reach clients that support them', async () => {
    const conn = await amqp.connect(broker.url);
    const blocked = new Promise<string>((resolve) => conn.on('blocked', resolve));
    const unblocked = new Promise<void>((resolve) => conn.on('unblocked', () => resolve()));
    broker.listener.setBlocked('low on memory');
    assert.equal(await blocked, 'low on memory');
    broker.listener.setBlocked(undefined);
    await unblocked;
    await conn.close();
  });

  it('a publisher on a blocked connection is not read until the alarm clears', async () => {
    const conn = await amqp.connect(broker.url);
    const ch = await conn.createConfirmChannel();
    await ch.assertQueue('alarm-q');
    broker.listener.setBlocked('disk');
    const other = await amqp.connect(broker.url);
    const och = await other.createChannel();
    ch.sendToQueue('alarm-q', Buffer.from('first'));
    while ((await och.checkQueue('alarm-q')).messageCount < 1) await new Promise((r) => setTimeout(r, 10));
    ch.sendToQueue('alarm-q', Buffer.from('second'));
    ch.sendToQueue('alarm-q', Buffer.from('third'));
    // A negative can only be observed over time: give an unblocked server ample time to take the two.
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await och.checkQueue('alarm-q')).messageCount, 1, 'reading stopped after the first publish');
    broker.listener.setBlocked(undefined);
    await ch.waitForConfirms();
    assert.equal((await och.checkQueue('alarm-q')).messageCount, 3);
    await other.close();
    await conn.close();
  });

  it('closing the listener closes clients with 320 CONNECTION_FORCED', async () => {
    const own = await startAmqpListener();
    const conn = await amqp.connect(own.url);
    const closed = new Promise<Error & { code?: number }>((resolve) => conn.on('close', resolve));
    conn.on('error', () => undefined);
    await own.close();
    const err = await closed;
    assert.equal(err.code, 320);
    assert.equal(own.listener.connectionCount, 0);
  });
});

describe('connection: a raw channel-level happy path', () => {
  it('channel.open-ok, qos-ok, flow-ok, access.request-ok and channel.close-ok come back in order', { skip: switchyardOnly('RabbitMQ refuses channel.flow active=false with 540 NOT_IMPLEMENTED') }, async () => {
    const broker = await startAmqpBroker();
    const raw = await openRawChannel(broker.port);
    raw.write(
      frames((w) => {
        w.method(1, { id: MethodId.BasicQos, args: { prefetchSize: 0, prefetchCount: 10, global: false } });
        w.method(1, { id: MethodId.ChannelFlow, args: { active: false } });
        w.method(1, { id: MethodId.AccessRequest, args: { realm: '/data', exclusive: false, passive: true, active: true, write: true, read: true } });
        w.method(1, { id: MethodId.ChannelClose, args: { replyCode: 200, replyText: 'bye', classId: 0, methodId: 0 } });
        w.method(0, { id: MethodId.ConnectionClose, args: { replyCode: 200, replyText: 'bye', classId: 0, methodId: 0 } });
      }),
    );
    await raw.ended;
    const ids = methodsOf(raw.received).map((m) => [m.channel, m.method.id]);
    assert.deepEqual(ids.slice(-6), [
      [1, MethodId.ChannelOpenOk],
      [1, MethodId.BasicQosOk],
      [1, MethodId.ChannelFlowOk],
      [1, MethodId.AccessRequestOk],
      [1, MethodId.ChannelCloseOk],
      [0, MethodId.ConnectionCloseOk],
    ]);
    await broker.close();
  });
});

describe('connection: backpressure', () => {
  it('stops pushing deliveries to a consumer that does not read, without losing any', async () => {
    const broker = await startAmqpBroker();
    const conn = await amqp.connect(broker.url);
    const ch = await conn.createConfirmChannel();
    const firehose = unique('firehose');
    await ch.assertQueue(firehose, { autoDelete: true });
    const body = Buffer.alloc(10_000, 1);
    const total = 4000;
    for (let i = 0; i < total; i++) ch.sendToQueue(firehose, body);
    await ch.waitForConfirms();
    const raw = await openRawChannel(broker.port);
    raw.socket.pause();
    raw.write(frames((w) => w.method(1, { id: MethodId.BasicConsume, args: { ticket: 0, queue: firehose, consumerTag: 'slow', noLocal: false, noAck: true, exclusive: false, nowait: false, arguments: {} } })));
    let left = total;
    for (const deadline = Date.now() + 20_000; left === total && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 20));
      left = (await ch.checkQueue(firehose)).messageCount;
    }
    assert.ok(left < total, 'deliveries started');
    // Give a server without backpressure ample time to push everything into the unread socket.
    await new Promise((r) => setTimeout(r, 300));
    left = (await ch.checkQueue(firehose)).messageCount;
    assert.ok(left > 0, `deliveries paused with ${left} of ${total} still queued`);
    raw.close();
    await conn.close();
    await broker.close();
  });
});
