// A consumer group whose only member dies together with the broker: the member's process and the
// server are both SIGKILLed, the server restarts on the same data and restores the group with the
// dead member in it. A new kafkajs consumer (new client, same group) must get the partitions once
// the dead member's session has expired, and start at the committed offsets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';
import { freePort, startServeProcess, type ServeProcess } from '../support/server-process.js';

const TOPIC = 'ledger';
const GROUP = 'ledger-readers';
const PARTITIONS = 2;
const RECORDS_PER_PARTITION = 10;
/** The dead member commits each partition up to here (exclusive): the new member must start here. */
const COMMITTED = 5;
/** Session timeout of both members: realistic for kafkajs apps that want quick failover. */
const SESSION_TIMEOUT_MS = 8000;
/**
 * How long the new member may take to reach every partition after the restart: the dead member's
 * session plus ample slack for a loaded machine, and still well under kafkajs' default session
 * (30 s) and rebalance (60 s) timeouts, so waiting on either of those would fail the test.
 */
const RESUME_BOUND_MS = 22_000;

/**
 * The member that dies: a kafkajs consumer in its own process that commits each record's next
 * offset while it is below COMMITTED and prints `committed <partition> <offset>` once acknowledged.
 */
const MEMBER_SCRIPT = `
import { Kafka, logLevel } from 'kafkajs';
const [broker, topic, groupId, sessionTimeout, committed] = process.argv.slice(1);
const kafka = new Kafka({ clientId: 'doomed-member', brokers: [broker], logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId, sessionTimeout: Number(sessionTimeout), rebalanceTimeout: Number(sessionTimeout), heartbeatInterval: 500, maxWaitTimeInMs: 100 });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({
  autoCommit: false,
  eachMessage: async ({ partition, message }) => {
    const next = Number(message.offset) + 1;
    if (next > Number(committed)) return;
    await consumer.commitOffsets([{ topic, partition, offset: String(next) }]);
    console.log('committed ' + partition + ' ' + next);
  },
});
`;

/** Starts the dying member; resolves with its process once it has committed COMMITTED on every partition. */
async function startMember(broker: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', MEMBER_SCRIPT, broker, TOPIC, GROUP, String(SESSION_TIMEOUT_MS), String(COMMITTED)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const done = new Set<number>();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the first member committed ${COMMITTED} on partitions [${[...done]}] only`)), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const [word, partition, offset] = line.split(' ');
      if (word === 'committed' && Number(offset) === COMMITTED) done.add(Number(partition));
      if (done.size === PARTITIONS) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => reject(new Error(`the first member exited (${code ?? signal}) before committing`)));
  });
  return child;
}

async function sigkill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

test('after the broker and the group member die together, a new member resumes at the committed offsets once the dead member expires', { timeout: 90_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-group-resume-'));
  const port = await freePort();
  const serve = () => startServeProcess(['--data-dir', dataDir, '--kafka-port', String(port)]);
  let server: ServeProcess = await serve();
  const broker = `127.0.0.1:${port}`;
  const kafka = new Kafka({ clientId: 'group-resume', brokers: [broker], logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 500 } });
  const admin = kafka.admin();
  let member: ChildProcess | undefined;
  const consumer = kafka.consumer({ groupId: GROUP, sessionTimeout: SESSION_TIMEOUT_MS, rebalanceTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
    const producer = kafka.producer();
    await producer.connect();
    const messages = Array.from({ length: PARTITIONS * RECORDS_PER_PARTITION }, (_, i) => ({ partition: i % PARTITIONS, value: `record-${i}` }));
    await producer.send({ topic: TOPIC, acks: -1, messages });
    await producer.disconnect();

    member = await startMember(broker);
    await sigkill(member);
    await admin.disconnect();
    await server.kill();
    server = await serve();
    const restartedAt = Date.now();

    await admin.connect();
    const [restored] = (await admin.describeGroups([GROUP])).groups;
    assert.deepEqual([restored.state, restored.members.length], ['Stable', 1], 'the group comes back with its dead member');

    let joinedAt = 0;
    consumer.on(consumer.events.GROUP_JOIN, () => (joinedAt ||= Date.now()));
    const first = new Map<number, number>();
    let reachedAll = 0;
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (!first.has(partition)) first.set(partition, Number(message.offset));
        if (first.size === PARTITIONS) reachedAll ||= Date.now();
      },
    });
    while (reachedAll === 0 && Date.now() - restartedAt < RESUME_BOUND_MS) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(reachedAll > 0, `the new member reached ${first.size} of ${PARTITIONS} partitions within ${RESUME_BOUND_MS} ms of the restart (joined: ${joinedAt ? `${joinedAt - restartedAt} ms` : 'never'})`);
    assert.deepEqual([...first].sort(([a], [b]) => a - b), Array.from({ length: PARTITIONS }, (_, p) => [p, COMMITTED]), 'the new member starts at the committed offsets');
    console.log(`group resume after a restart: joined ${joinedAt - restartedAt} ms and reached every partition ${reachedAll - restartedAt} ms after the broker was ready (dead member's session ${SESSION_TIMEOUT_MS} ms)`);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    if (member) await sigkill(member);
    await admin.disconnect();
    await server.kill();
    await rm(dataDir, { recursive: true, force: true });
  }
});
