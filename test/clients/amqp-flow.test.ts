/**
 * Publisher flow control over real amqplib connections: a publisher flooding a queue faster than the
 * queue absorbs messages is paused (connection state 'flow') instead of growing broker memory, and
 * every confirmed message is still delivered. The clients run in a child process so that the memory
 * measured here is the broker's alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { QueueBroker } from '../../src/core/queues/index.js';
import { startAmqpServer } from '../../src/amqp/server.js';
import { FileLogStore } from '../../src/storage/file/file-log-store.js';

const MESSAGE_BYTES = 64 * 1024;
const MESSAGES = 3200; // 200 MiB in all
const MEMORY_GROWTH_LIMIT = 64 * 1024 * 1024;

/**
 * The clients: a publisher sends MESSAGES numbered messages to a non-durable queue as fast as its
 * socket takes them and waits for their confirms, while a consumer (prefetch 50, acking each) reads
 * them. Prints how many were confirmed and which distinct numbers were delivered.
 */
const CLIENTS = `
import amqp from 'amqplib';
const [url, count, size] = process.argv.slice(1).map((a, i) => (i === 0 ? a : Number(a)));
const publisher = await amqp.connect(url);
const consumer = await amqp.connect(url);
const pub = await publisher.createConfirmChannel();
await pub.assertQueue('flood', { durable: false });
const sub = await consumer.createChannel();
await sub.prefetch(50);
const seen = new Set();
const allDelivered = new Promise((resolve) => {
  sub.consume('flood', (msg) => {
    seen.add(msg.content.readUInt32BE(0));
    sub.ack(msg);
    if (seen.size === count) resolve();
  });
});
let confirmed = 0;
for (let i = 0; i < count; i++) {
  const body = Buffer.alloc(size, 7);
  body.writeUInt32BE(i, 0);
  const writable = pub.sendToQueue('flood', body, {}, (err) => { if (!err) confirmed++; });
  if (!writable) await new Promise((resolve) => pub.once('drain', resolve));
}
await pub.waitForConfirms();
await allDelivered;
console.log(JSON.stringify({ confirmed, delivered: seen.size }));
await publisher.close();
await consumer.close();
`;

const collectGarbage = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** Live JavaScript heap plus Buffer memory (message bodies live outside the heap), after a full collection. */
function memoryInUse(): number {
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** Runs the clients against `url`; resolves to what they report. */
function runClients(url: string): Promise<{ confirmed: number; delivered: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CLIENTS, url, String(MESSAGES), String(MESSAGE_BYTES)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`clients exited with ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout.trim()) as { confirmed: number; delivered: number });
    });
  });
}

test('a flooding publisher is paused while its queue is under pressure; broker memory stays bounded and nothing is lost', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-flow-'));
  const store = await FileLogStore.open(dir, { fsync: 'batch' });
  const queues = await QueueBroker.open(store);
  const listener = await startAmqpServer(queues, { host: '127.0.0.1', port: 0 });
  try {
    const baseline = memoryInUse();
    let peakGrowth = 0;
    let flowSeen = false;
    const sampler = setInterval(() => {
      peakGrowth = Math.max(peakGrowth, memoryInUse() - baseline);
      if (listener.flowConnectionCount > 0) flowSeen = true;
    }, 10);
    const result = await runClients(`amqp://guest:guest@127.0.0.1:${listener.address.port}`).finally(() => clearInterval(sampler));

    assert.deepEqual(result, { confirmed: MESSAGES, delivered: MESSAGES });
    assert.ok(flowSeen, 'the publishing connection went into flow');
    assert.ok(peakGrowth < MEMORY_GROWTH_LIMIT, `broker memory grew by ${(peakGrowth / 2 ** 20).toFixed(1)} MiB`);
  } finally {
    await listener.close();
    await queues.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
