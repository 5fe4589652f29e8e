import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { QueueBroker, type Session } from '../../../src/core/queues/index.js';
import { MemoryLogStore } from '../../../src/storage/memory-store.js';

type Command =
  | { op: 'publish'; count: number }
  | { op: 'get' }
  | { op: 'ack' | 'requeue' | 'reject'; pick: number }
  | { op: 'restart' };

const settle = (op: 'ack' | 'requeue' | 'reject'): fc.Arbitrary<Command> => fc.record({ op: fc.constant(op), pick: fc.nat() });
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('publish' as const), count: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 4, arbitrary: fc.constant({ op: 'get' as const }) },
  { weight: 3, arbitrary: settle('requeue') },
  { weight: 2, arbitrary: settle('ack') },
  { weight: 1, arbitrary: settle('reject') },
  { weight: 1, arbitrary: fc.constant({ op: 'restart' as const }) },
);

/** The reference: ready messages in publish order, each with whether it was delivered before. */
interface Model {
  ready: { seq: number; redelivered: boolean }[];
  outstanding: { seq: number; tag: number }[];
}

describe('classic queue against a reference model', () => {
  it('delivers in publish order with returned messages back in place, across restarts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 10, maxLength: 40, size: 'large' }), async (commands) => {
        const store = new MemoryLogStore();
        let broker = await QueueBroker.open(store);
        let session: Session = broker.openSession('/', 'c');
        await session.queueDeclare('q', { durable: true });
        const model: Model = { ready: [], outstanding: [] };
        let seq = 0;
        try {
          for (const c of commands) {
            if (c.op === 'publish') {
              for (let i = 0; i < c.count; i++) {
                await session.publish('', 'q', { deliveryMode: 2 }, Buffer.from(String(seq)));
                model.ready.push({ seq: seq++, redelivered: false });
              }
            } else if (c.op === 'get') {
              const d = await session.get('q', false);
              const expected = model.ready.shift();
              assert.equal(d === undefined, expected === undefined);
              if (d && expected) {
                assert.equal(Number(d.body.toString()), expected.seq);
                assert.equal(d.redelivered, expected.redelivered);
                model.outstanding.push({ seq: expected.seq, tag: d.deliveryTag });
              }
            } else if (c.op === 'restart') {
              await broker.close();
              broker = await QueueBroker.open(store);
              session = broker.openSession('/', 'c');
              returnAll(model);
            } else if (model.outstanding.length > 0) {
              // picks count from the newest: returning later deliveries first is what tests the ordering
              const [m] = model.outstanding.splice(model.outstanding.length - 1 - (c.pick % model.outstanding.length), 1);
              if (c.op === 'ack') session.ack(m.tag, false);
              else if (c.op === 'reject') session.reject(m.tag, false);
              else {
                session.reject(m.tag, true);
                model.ready.push({ seq: m.seq, redelivered: true });
                model.ready.sort((a, b) => a.seq - b.seq);
              }
            }
            assert.equal(broker.listQueues('/')[0].messagesReady, model.ready.length);
            assert.equal(broker.listQueues('/')[0].messagesUnacknowledged, model.outstanding.length);
          }
        } finally {
          await broker.close();
        }
      }),
      { numRuns: 100 },
    );
  });
});

function returnAll(model: Model): void {
  for (const m of model.outstanding) model.ready.push({ seq: m.seq, redelivered: true });
  model.outstanding = [];
  model.ready.sort((a, b) => a.seq - b.seq);
}
