import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { startAmqpBroker, unique, type AmqpTestBroker } from './amqp-support/broker.js';

const PYTHON = '/usr/bin/python3';
const pikaAvailable = spawnSync(PYTHON, ['-c', 'import pika']).status === 0;
const SCRIPT = new URL('./pika/scenarios.py', import.meta.url).pathname;

/** Runs one pika scenario and parses the JSON line it prints. */
function scenario<T>(url: string, name: string): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [SCRIPT, url, name, unique('')], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`pika scenario ${name} failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as T);
    });
  });
}

describe('pika (python3-pika)', { skip: pikaAvailable ? false : `${PYTHON} cannot import pika` }, () => {
  let broker: AmqpTestBroker;
  before(async () => {
    broker = await startAmqpBroker();
  });
  after(() => broker.close());

  it('routes through direct, fanout, topic and headers exchanges with properties intact', async () => {
    const out = await scenario<Record<string, unknown>>(broker.url, 'routing');
    assert.deepEqual(out.direct, ['via direct']);
    assert.deepEqual(out.fanout, ['via fanout']);
    assert.deepEqual(out.topic, ['via topic']);
    assert.deepEqual(out.headers, ['match']);
    assert.deepEqual(out.props, {
      content_type: 'application/json',
      delivery_mode: 2,
      priority: 4,
      correlation_id: 'c9',
      message_id: 'm9',
      timestamp: 1700000001,
      headers: { n: 42, s: 'str', l: [1, 'two'], d: '1.25' },
    });
  });

  it('confirms every publish, returns unroutable mandatory ones, gets and purges', async () => {
    const out = await scenario<Record<string, unknown>>(broker.url, 'confirms');
    assert.deepEqual(out, { count: 50, returned: [312], first: '0', message_count: 49, empty: true });
  });

  it('honours prefetch and requeues nacked messages in order, marked redelivered', async () => {
    const out = await scenario<{ in_flight: string[]; again: [string, boolean][] }>(broker.url, 'acks');
    assert.deepEqual(out.in_flight, ['a', 'b']);
    assert.deepEqual(out.again, [
      ['a', true],
      ['b', true],
      ['c', false],
    ]);
  });

  it('sees RabbitMQ channel errors (404, 406, 405) and transactions', async () => {
    const out = await scenario<Record<string, unknown>>(broker.url, 'errors');
    assert.deepEqual(out.passive, [404, "NOT_FOUND - no queue 'py.missing' in vhost '/'"]);
    assert.equal((out.equivalence as [number, string])[0], 406);
    assert.match((out.equivalence as [number, string])[1], /^PRECONDITION_FAILED - inequivalent arg 'durable'/);
    assert.equal((out.exclusive as [number, string])[0], 405);
    assert.equal(out.after_tx, 1);
  });
});
