import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { consumeUntilGone, declareTopology, publishUntilGone, type CrashLedger, type CrashTopology } from './amqp-crash-clients.js';
import { startAmqpServerProcess } from './amqp-server-process.js';

/** Broker lives ended by SIGKILL; SWITCHYARD_CRASH_CYCLES raises it for longer runs. */
const CYCLES = Number(process.env.SWITCHYARD_CRASH_CYCLES ?? 8);
/** Concurrent publishers (each on its own connection). */
const PUBLISHERS = 2;
/** Unconfirmed publishes each publisher keeps in flight. */
const WINDOW = 128;
const TOPOLOGY: CrashTopology = { queue: 'crash.orders', exchange: 'crash.direct', routingKey: 'orders' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `condition` holds, polling; rejects with `describe()` after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await sleep(50);
  }
}

/** Publishes one message through the bound exchange (mandatory) and resolves once it is confirmed and not returned. */
async function publishThroughExchange(url: string, id: string, ledger: CrashLedger): Promise<void> {
  const conn = await amqp.connect(url);
  const ch = await conn.createConfirmChannel();
  let returned = false;
  ch.on('return', () => (returned = true));
  await new Promise<void>((resolve, reject) =>
    ch.publish(TOPOLOGY.exchange, TOPOLOGY.routingKey, Buffer.from(id), { persistent: true, messageId: id, mandatory: true }, (err) => (err ? reject(err) : resolve())),
  );
  await conn.close();
  assert.equal(returned, false, `the binding of ${TOPOLOGY.exchange} to ${TOPOLOGY.queue} did not survive the crashes`);
  ledger.confirmed.add(id);
}

test(`AMQP: no confirmed persistent message is lost over ${CYCLES} SIGKILLs of the server`, { timeout: 30_000 + CYCLES * 15_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-amqp-crash-'));
  const ledger: CrashLedger = { confirmed: new Set(), unconfirmed: new Set(), returned: new Set(), received: new Map() };
  let published = 0;
  const nextId = () => `m${++published}`;
  try {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const server = await startAmqpServerProcess(dataDir);
      if (cycle === 0) await declareTopology(server.url, TOPOLOGY);
      // Kill only once both clients are past their setup (a failed setup is a real failure), at a random moment.
      let confirms = 0;
      let consuming = false;
      const clients = Promise.all([
        ...Array.from({ length: PUBLISHERS }, () => publishUntilGone(server.url, TOPOLOGY, ledger, nextId, WINDOW, () => confirms++)),
        consumeUntilGone(server.url, TOPOLOGY.queue, ledger, () => (consuming = true)),
      ]);
      const failed = clients.then(() => new Error('a client stopped while the server ran'), (error: unknown) => error);
      const ready = until(() => confirms > 0 && consuming, 10_000, () => `cycle ${cycle}: ${confirms} confirms, consuming ${consuming}`);
      const early = await Promise.race([ready.then(() => undefined), failed]);
      if (early !== undefined) throw early;
      await sleep(Math.random() * 800);
      await server.kill();
      await clients;
    }

    const server = await startAmqpServerProcess(dataDir);
    try {
      await publishThroughExchange(server.url, 'after-crashes', ledger);
      let stop!: () => void;
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      const draining = consumeUntilGone(server.url, TOPOLOGY.queue, ledger, () => undefined, stopped);
      const missing = () => [...ledger.confirmed].filter((id) => !ledger.received.has(id));
      await until(() => missing().length === 0, 30_000, () => `${missing().length} confirmed messages never delivered, e.g. ${missing().slice(0, 5).join(', ')}`);
      stop();
      await draining;
    } finally {
      await server.kill();
    }

    const deliveries = [...ledger.received.values()].reduce((a, b) => a + b, 0);
    const unconfirmedDelivered = [...ledger.unconfirmed].filter((id) => ledger.received.has(id)).length;
    console.log(
      `amqp crash: ${CYCLES} SIGKILLs, ${published} published, ${ledger.confirmed.size} confirmed (all delivered), ` +
        `${ledger.unconfirmed.size} unconfirmed (${unconfirmedDelivered} of them delivered), ` +
        `${deliveries - ledger.received.size} duplicate deliveries`,
    );
    assert.ok(ledger.confirmed.size > CYCLES, 'the publisher made progress in every broker life');
    assert.deepEqual([...ledger.returned], [], 'no publish through the durable binding was returned');
    const phantoms = [...ledger.received.keys()].filter((id) => id !== 'after-crashes' && !ledger.confirmed.has(id) && !ledger.unconfirmed.has(id));
    assert.deepEqual(phantoms, [], 'only published messages are delivered');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
