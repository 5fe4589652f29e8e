import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import amqp from 'amqplib';
import { METHOD_SPECS, MethodId, type AmqpMethod } from '../../src/amqp/codec/index.js';
import { argumentOf } from '../amqp/arbitraries.js';
import { startAmqpListener, switchyardOnly } from './amqp-support/broker.js';
import { frames, openRawChannel } from './amqp-support/raw-client.js';

/** Any method of the spec with arbitrary arguments, mostly on the open channel 1, sometimes on 0 or an unopened one. */
const anyMethod = fc.constantFrom(...METHOD_SPECS).chain((spec) =>
  fc.record({
    channel: fc.constantFrom(1, 1, 1, 0, 2),
    method: fc
      .record(Object.fromEntries(spec.fields.map((f) => [f.name, argumentOf(f.type)])), { noNullPrototype: true })
      .map((args) => ({ id: spec.id, args }) as AmqpMethod),
    body: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  }),
);

describe('fuzz: arbitrary methods over a real socket', { skip: switchyardOnly('watches the server process for crashes') }, () => {
  let broker: Awaited<ReturnType<typeof startAmqpListener>>;
  const crashes: unknown[] = [];
  const onCrash = (error: unknown): void => {
    crashes.push(error);
  };
  before(async () => {
    broker = await startAmqpListener();
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
  });
  after(async () => {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await broker.close();
  });

  it('never crash the server nor disturb other connections', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyMethod, { minLength: 1, maxLength: 8 }), async (sent) => {
        const raw = await openRawChannel(broker.port);
        raw.write(
          frames((w) => {
            for (const { channel, method, body } of sent) {
              if (METHOD_SPECS.find((s) => s.id === method.id)!.content) w.content(channel, method, {}, body);
              else w.method(channel, method);
            }
          }),
        );
        await Promise.race([raw.ended, new Promise((r) => setTimeout(r, 30))]);
        raw.close();
      }),
      { numRuns: 60 },
    );
    assert.deepEqual(crashes, []);
    const conn = await amqp.connect(broker.url);
    const ch = await conn.createConfirmChannel();
    const q = await ch.assertQueue('', { exclusive: true });
    ch.sendToQueue(q.queue, Buffer.from('alive'));
    await ch.waitForConfirms();
    const msg = await ch.get(q.queue, { noAck: true });
    assert.ok(msg);
    assert.equal(msg.content.toString(), 'alive');
    await conn.close();
  });

  it('a publish with a random content header and body is answered without crashing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), async (header, body) => {
        const raw = await openRawChannel(broker.port);
        const publish = frames((w) =>
          w.method(1, { id: MethodId.BasicPublish, args: { ticket: 0, exchange: '', routingKey: 'fuzz', mandatory: true, immediate: false } }),
        );
        const frame = (type: number, payload: Uint8Array): Buffer => {
          const head = Buffer.from([type, 0, 1, 0, 0, 0, 0]);
          head.writeUInt32BE(payload.length, 3);
          return Buffer.concat([head, Buffer.from(payload), Buffer.from([0xce])]);
        };
        raw.write(Buffer.concat([publish, frame(2, header), frame(3, body)]));
        await Promise.race([raw.ended, new Promise((r) => setTimeout(r, 20))]);
        raw.close();
      }),
      { numRuns: 40 },
    );
    assert.deepEqual(crashes, []);
  });
});
