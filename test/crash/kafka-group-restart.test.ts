// Consumer group membership across SIGKILLs of the real server process: a kafkajs consumer that
// commits with consumer.commitOffsets() inside eachBatch keeps its generation and goes on
// committing after each restart (no ILLEGAL_GENERATION crash), and a consumer that disconnects
// right after a restart leaves its restored membership cleanly, with no unhandled rejection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Consumer, Kafka } from 'kafkajs';
import { freePort, startServerProcess } from './kafka-server-process.js';
import { crashClient, highWatermarks, recordMessage, waitFor } from './kafka-crash-kit.js';

const KILLS = 3;
const PARTITIONS = 2;
const TOPIC = 'orders';
const GROUP = 'order-committers';
const RECORDS_PER_ROUND = 20;

/** What the committing consumer did. */
interface CommitterLog {
  /** Per partition, the next offset of the last acknowledged commit. */
  committed: Map<number, number>;
  /** Crashes kafkajs did not restart from, and any crash on a group membership error. */
  groupCrashes: string[];
}

const MEMBERSHIP_ERRORS = ['ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID'];

/** A consumer that commits each batch itself with consumer.commitOffsets() before returning from eachBatch. */
async function startCommitter(kafka: Kafka): Promise<{ consumer: Consumer; log: CommitterLog }> {
  const log: CommitterLog = { committed: new Map(), groupCrashes: [] };
  const consumer = kafka.consumer({ groupId: GROUP, maxWaitTimeInMs: 100, heartbeatInterval: 200, sessionTimeout: 10_000, rebalanceTimeout: 10_000 });
  // Crashes while the broker is down (no broker available) are retriable and kafkajs restarts the consumer.
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    const type = (payload.error as Error & { type?: string }).type ?? '';
    if (!payload.restart || MEMBERSHIP_ERRORS.includes(type)) log.groupCrashes.push(`${payload.error.name} ${type}: ${payload.error.message}`);
  });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      if (batch.messages.length === 0) return;
      const next = Number(batch.lastOffset()) + 1;
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(next) }]);
      log.committed.set(batch.partition, Math.max(next, log.committed.get(batch.partition) ?? 0));
    },
  });
  return { consumer, log };
}

test(`a committing group consumer keeps its membership across ${KILLS} SIGKILLs and leaves cleanly right after one`, { timeout: 120_000 }, async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-kafka-group-restart-'));
  const port = await freePort();
  let server = await startServerProcess({ dataDir, kafkaPort: port });
  const kafka = crashClient([`127.0.0.1:${port}`]);
  const admin = kafka.admin();
  const producer = kafka.producer();
  let consumer: Consumer | undefined;
  let sent = 0;
  const produceRound = () => producer.send({ topic: TOPIC, acks: -1, messages: Array.from({ length: RECORDS_PER_ROUND }, () => recordMessage(sent++, PARTITIONS)) });
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
    await producer.connect();
    const committer = await startCommitter(kafka);
    consumer = committer.consumer;
    const log = committer.log;
    const allCommitted = async () => {
      assert.deepEqual(log.groupCrashes, [], 'no membership crash');
      return [...(await highWatermarks(admin, TOPIC))].every(([p, high]) => (log.committed.get(p) ?? 0) >= high);
    };

    await produceRound();
    await waitFor(allCommitted, 'the first records to be consumed and committed');
    for (let kill = 1; kill <= KILLS; kill++) {
      await server.kill();
      server = await startServerProcess({ dataDir, kafkaPort: port });
      const described = await admin.describeGroups([GROUP]);
      assert.equal(described.groups[0].state, 'Stable', `after kill ${kill}: the group is restored with its member`);
      await produceRound();
      await waitFor(allCommitted, `records produced after kill ${kill} to be consumed and committed`);
    }
    assert.deepEqual(log.groupCrashes, [], 'no membership crash');

    await server.kill();
    server = await startServerProcess({ dataDir, kafkaPort: port });
    await consumer.disconnect();
    const [group] = (await admin.describeGroups([GROUP])).groups;
    assert.deepEqual([group.state, group.members.length], ['Empty', 0], 'the restored member left the group');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(unhandled, [], 'no unhandled promise rejection');
    assert.deepEqual(log.groupCrashes, [], 'no membership crash');
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await consumer?.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect();
    await server.kill();
    await rm(dataDir, { recursive: true, force: true });
  }
});
