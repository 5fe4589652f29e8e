// Kafka durability through the real server process at chosen moments: acknowledged produce and
// offset commits survive a SIGKILL that follows them at once, and an idempotent producer whose
// acknowledged batch was lost on the wire retries it across the crash without a second copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Kafka, RecordMetadata } from 'kafkajs';
import { freePort, startServerProcess, type ServerProcessOptions } from './kafka-server-process.js';
import { startFaultProxy } from './kafka-fault-proxy.js';
import { assertConsumerResumes, committedOffsets, crashClient, idempotentProducer, NO_SELF_RESTART, readWholeTopic, recordMessage, recordValue, waitFor, type StoredRecord } from './kafka-crash-kit.js';

const PARTITIONS = 3;
const TIMEOUT = { timeout: 60_000 };

/** Record numbers `from` up to (not including) `to`. */
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** Asserts each partition holds exactly records `0..count-1` that hash to it, once each, in order, with their values. */
function assertExactly(records: Map<number, StoredRecord[]>, count: number): void {
  for (let p = 0; p < PARTITIONS; p++) {
    const expected = range(0, count).filter((n) => n % PARTITIONS === p);
    assert.deepEqual(records.get(p)!.map((r) => r.n), expected, `partition ${p} holds each record once, in order`);
    for (const r of records.get(p)!) assert.equal(r.value, recordValue(r.n), `value of record ${r.n}`);
  }
}

/** Runs `body` against a server process on a fresh data directory; kills everything left afterwards. */
async function withServer(options: Omit<ServerProcessOptions, 'dataDir'>, body: (ctx: { restart(): Promise<void>; admin: Admin; kafka: Kafka }) => Promise<void>): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-kafka-crash-'));
  let server = await startServerProcess({ ...options, dataDir });
  const host = options.advertisedHost ?? server.kafka.host;
  const kafka = crashClient([`${host}:${server.kafka.port}`]);
  const admin = kafka.admin();
  try {
    await admin.connect();
    await body({
      async restart() {
        await server.kill();
        server = await startServerProcess({ ...options, dataDir });
      },
      admin,
      kafka,
    });
  } finally {
    await admin.disconnect();
    await server.kill();
    await rm(dataDir, { recursive: true, force: true });
  }
}

test('records acknowledged with acks=all and acknowledged offset commits survive a SIGKILL right after them', TIMEOUT, async () => {
  await withServer({ kafkaPort: await freePort() }, async ({ restart, admin, kafka }) => {
    const topic = 'orders';
    const count = 300;
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
    const producer = kafka.producer();
    await producer.connect();
    for (let from = 0; from < count; from += 50) {
      await producer.send({ topic, acks: -1, messages: range(from, from + 50).map((n) => recordMessage(n, PARTITIONS)) });
    }
    await producer.disconnect();

    // Each partition commits the offset after its record number `count / 2` or beyond.
    const groupId = 'order-readers';
    const acknowledged = new Map<number, number>();
    // A short session, so that if kafkajs gave up on this consumer while the broker was down, its
    // restored membership expires soon after the restart instead of holding up the resumed consumer.
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, heartbeatInterval: 200, sessionTimeout: 10_000, rebalanceTimeout: 10_000, retry: NO_SELF_RESTART });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (acknowledged.has(partition) || Number(message.key!.toString()) < count / 2) return;
        const offset = Number(message.offset) + 1;
        await consumer.commitOffsets([{ topic, partition, offset: String(offset) }]);
        acknowledged.set(partition, offset);
      },
    });
    await waitFor(() => acknowledged.size === PARTITIONS, 'a commit on every partition');

    await restart();
    // Membership survives the restart: unless kafkajs gave up on it, the consumer leaves at once, as the same member.
    await consumer.disconnect();
    assert.deepEqual(await committedOffsets(admin, groupId, topic), acknowledged, 'committed offsets after the crash');
    assertExactly(await readWholeTopic(kafka, admin, topic), count);
    await assertConsumerResumes(kafka, admin, groupId, topic);
  });
});

test('an idempotent retry across a crash of a batch the broker had acknowledged is not appended again', TIMEOUT, async () => {
  const port = await freePort();
  const relay = { host: '127.0.0.2', port };
  const proxy = await startFaultProxy(relay, { host: '127.0.0.1', port });
  try {
    await withServer({ kafkaPort: port, advertisedHost: relay.host }, async ({ restart, admin, kafka }) => {
      const topic = 'payments';
      await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
      const producer = idempotentProducer(kafka);
      await producer.connect();
      const send = (from: number, to: number) => producer.send({ topic, acks: -1, messages: range(from, to).map((n) => recordMessage(n, PARTITIONS)) });
      await send(0, 30);

      const dropped = proxy.dropNextProduceResponse();
      const retried: Promise<RecordMetadata[]> = send(30, 60);
      await dropped;
      await restart();
      const metadata = await retried;
      await send(60, 90);
      await producer.disconnect();

      const records = await readWholeTopic(kafka, admin, topic);
      assertExactly(records, 90);
      for (const { partition, baseOffset } of metadata) {
        const first = records.get(partition)!.find((r) => r.n >= 30)!;
        assert.equal(Number(baseOffset), first.offset, `partition ${partition}: the retry is answered with the offset of the first copy`);
      }
      console.log(`idempotent retry across a crash: 30 records acknowledged once, ${[...records.values()].flat().length} records stored for 90 sent`);
    });
  } finally {
    await proxy.close();
  }
});
