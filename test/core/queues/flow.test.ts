import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { QueueFlow, type FlowListener } from '../../../src/core/queues/index.js';
import { FLOW_PRESSURE_BYTES } from '../../../src/core/queues/flow.js';
import { memoryBroker } from './helpers.js';

/** A publisher that records which flows relieved it. */
function listener(): FlowListener & { relievedBy: QueueFlow[] } {
  const relievedBy: QueueFlow[] = [];
  return { relievedBy, relieved: (flow) => relievedBy.push(flow) };
}

describe('queue flow control', () => {
  it('comes under pressure above the threshold and is relieved only below half of it', () => {
    const flow = new QueueFlow(1000);
    const publisher = listener();
    flow.add(1000);
    assert.equal(flow.pressured, false);
    assert.equal(flow.wait(publisher), false, 'nothing to wait for without pressure');
    flow.add(1);
    assert.equal(flow.pressured, true);
    assert.equal(flow.wait(publisher), true);
    flow.remove(501);
    assert.equal(flow.pressured, true, 'exactly half is not relief yet');
    assert.deepEqual(publisher.relievedBy, []);
    flow.remove(1);
    assert.equal(flow.pressured, false);
    assert.deepEqual(publisher.relievedBy, [flow]);
    flow.add(1000);
    assert.equal(flow.pressured, true);
    flow.remove(600);
    assert.deepEqual(publisher.relievedBy, [flow], 'a relieved publisher is not called again');
  });

  it('does not call a publisher that stopped waiting', () => {
    const flow = new QueueFlow(10);
    const publisher = listener();
    flow.add(11);
    flow.wait(publisher);
    flow.unwait(publisher);
    flow.remove(11);
    assert.deepEqual(publisher.relievedBy, []);
  });

  it('reports pressure to the publisher whose messages the queue cannot absorb yet, and relief once it has', async () => {
    const { broker, session } = await memoryBroker();
    await session.queueDeclare('q', {});
    const body = Buffer.alloc(1024 * 1024);
    const count = Math.ceil(FLOW_PRESSURE_BYTES / body.length) + 1;
    const stored: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++) stored.push(session.publish('', 'q', {}, body));
    const pressure = session.takePressure();
    assert.ok(pressure, 'a publish went into a queue under pressure');
    assert.equal(session.takePressure(), undefined, 'taking the pressure clears it');
    const publisher = listener();
    assert.equal(pressure.wait(publisher), true);
    await Promise.all(stored);
    assert.equal(pressure.pressured, false);
    assert.deepEqual(publisher.relievedBy, [pressure]);
    session.publish('', 'q', {}, Buffer.from('small'));
    assert.equal(session.takePressure(), undefined, 'no pressure once the queue caught up');
    await broker.close();
  });

  it('relieves waiting publishers when the queue under pressure is deleted', async () => {
    const { broker, session } = await memoryBroker();
    await session.queueDeclare('q', {});
    const body = Buffer.alloc(1024 * 1024);
    const stored: Promise<unknown>[] = [];
    for (let i = 0; i * body.length <= FLOW_PRESSURE_BYTES; i++) stored.push(session.publish('', 'q', {}, body));
    const pressure = session.takePressure();
    assert.ok(pressure);
    const publisher = listener();
    pressure.wait(publisher);
    await session.queueDelete('q');
    assert.deepEqual(publisher.relievedBy, [pressure]);
    await Promise.allSettled(stored);
    await broker.close();
  });
});
