import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerPool } from '../../bench/lib/brokers/pool.js';
import { Histogram } from '../../bench/lib/histogram.js';
import { runScenario, type Scenario, type Target } from '../../bench/lib/scenario.js';

/** A target that measures itself (no broker process), so the runner can be exercised without servers. */
function target(broker: string, run: Target['run'], extra: Partial<Target> = {}): Target {
  return { broker, variant: 'v', client: 'test', durability: 'none', run, ...extra };
}

function scenario(targets: Target[], findings?: Scenario['findings']): Scenario {
  return { name: 'unit', title: 'Unit', measures: 'runner behaviour', targets: () => targets, notes: () => ['static'], findings };
}

describe('scenario runner', () => {
  it('turns a load’s figures into a row: rates, latency percentiles, self-reported usage', async () => {
    const latency = new Histogram();
    for (let ms = 1; ms <= 100; ms++) latency.recordMillis(ms);
    const result = await runScenario(
      scenario([target('switchyard', async () => ({ messages: 1000, bytes: 100_000, seconds: 0.5, latency, usage: { cpuSeconds: 0.25, peakRssBytes: 64e6 } }))]),
      new BrokerPool(),
      { quick: true },
    );
    const [row] = result.rows;
    assert.equal(row.error, undefined);
    assert.equal(row.msgsPerSec, 2000);
    assert.equal(row.mbPerSec, 0.2);
    assert.ok(Math.abs(row.p50Ms! - 50) < 0.5 && Math.abs(row.p99Ms! - 99) < 1, `p50 ${row.p50Ms} p99 ${row.p99Ms}`);
    assert.equal(row.cpuSeconds, 0.25);
    assert.equal(row.peakRssMb, 64);
    assert.equal(result.quick, true);
    assert.deepEqual(result.notes, ['static']);
  });

  it('reports a failing target as an error row and goes on with the next', async () => {
    const seen: string[] = [];
    const result = await runScenario(
      scenario([
        target('broken', async () => {
          throw new Error('connection refused');
        }),
        target('fine', async () => ({ messages: 10, bytes: 10, seconds: 1 })),
      ]),
      new BrokerPool(),
      { quick: true, onRow: (row) => seen.push(row.broker) },
    );
    assert.deepEqual(seen, ['broken', 'fine']);
    assert.equal(result.rows[0].error, 'connection refused');
    assert.equal(result.rows[0].msgsPerSec, 0);
    assert.equal(result.rows[1].error, undefined);
    assert.equal(result.rows[1].msgsPerSec, 10);
  });

  it('times out a hanging target and aborts its signal so it can let go of its connections', async () => {
    let signalOfHung: AbortSignal | undefined;
    const result = await runScenario(
      scenario([
        target('hung', (_broker, signal) => {
          signalOfHung = signal;
          return new Promise(() => undefined);
        }),
      ]),
      new BrokerPool(),
      { quick: true, timeoutMs: 50 },
    );
    assert.equal(result.rows[0].error, 'timed out after 0.05 s');
    assert.equal(signalOfHung?.aborted, true);
  });

  it('runs prepare before the measured run and adds findings drawn from the rows', async () => {
    const order: string[] = [];
    const result = await runScenario(
      scenario(
        [
          target('switchyard', async () => (order.push('run'), { messages: 4, bytes: 4, seconds: 2 }), {
            prepare: async () => void order.push('prepare'),
          }),
        ],
        (rows) => rows.map((row) => `${row.broker} did ${row.msgsPerSec} msgs/s`),
      ),
      new BrokerPool(),
      { quick: false },
    );
    assert.deepEqual(order, ['prepare', 'run']);
    assert.deepEqual(result.notes, ['static', 'switchyard did 2 msgs/s']);
  });
});
