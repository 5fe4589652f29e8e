/** What the Kafka crash tests share: clients that ride out a restart, record identity, reading a topic back, group offsets. */
import assert from 'node:assert/strict';
import { Kafka, logLevel, type Admin, type KafkaMessage, type Message } from 'kafkajs';

/** Retries short and many enough for a client to wait out a broker restart. */
const RESTART_RETRY = { retries: 40, initialRetryTime: 100, maxRetryTime: 500 };
const WAIT_MS = 30_000;

/** A kafkajs client that keeps retrying across a broker restart on the same address. */
export function crashClient(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'switchyard-crash', brokers, logLevel: logLevel.NOTHING, connectionTimeout: 1000, retry: RESTART_RETRY });
}

/**
 * Retry options for a consumer that kafkajs must not restart by itself after a crash. kafkajs 2.2
 * restarts a crashed consumer on a timer, and a disconnect() while that restart is pending or
 * starting returns without stopping it: the restart then joins the group as a new member that
 * nothing ever stops. Such a leftover takes partitions from the group's later consumers and keeps
 * the process alive. Five retries per request is kafkajs' default for consumers.
 */
export const NO_SELF_RESTART = { retries: 5, restartOnFailure: async () => false };

/** An idempotent kafkajs producer (acks=-1 is required with it; kafkajs wants one request in flight). */
export function idempotentProducer(kafka: Kafka) {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: RESTART_RETRY });
}

/** The partition record `n` is sent to. */
export function partitionOf(n: number, partitions: number): number {
  return n % partitions;
}

/** The value record `n` must carry: its number and a filler whose length depends on it. */
export function recordValue(n: number): string {
  return `record-${n}|${'x'.repeat((n * 37) % 200)}`;
}

/** Record `n` as sent by producer session `session` (the session travels in a header). */
export function recordMessage(n: number, partitions: number, session = 'none'): Message & { partition: number } {
  return { key: String(n), value: recordValue(n), partition: partitionOf(n, partitions), headers: { session } };
}

/** One record read back from a partition. */
export interface StoredRecord {
  offset: number;
  n: number;
  value: string;
  session: string;
}

function storedRecord(message: KafkaMessage): StoredRecord {
  return {
    offset: Number(message.offset),
    n: Number(message.key!.toString()),
    value: message.value!.toString(),
    session: message.headers?.session?.toString() ?? '',
  };
}

/** Polls `condition` every 50 ms until it holds; fails with `what` after 30 s. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Each partition's high watermark. */
export async function highWatermarks(admin: Admin, topic: string): Promise<Map<number, number>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
}

/**
 * Reads every partition of `topic` from offset 0 to its high watermark (with a throwaway group),
 * checking that offsets are dense and increasing; returns the records of each partition in order.
 */
export async function readWholeTopic(kafka: Kafka, admin: Admin, topic: string): Promise<Map<number, StoredRecord[]>> {
  const highs = await highWatermarks(admin, topic);
  const records = new Map<number, StoredRecord[]>([...highs.keys()].map((p) => [p, []]));
  const consumer = kafka.consumer({ groupId: `read-back-${topic}-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      records.get(partition)!.push(storedRecord(message));
    },
  });
  try {
    await waitFor(() => [...highs].every(([p, high]) => records.get(p)!.length >= high), `reading ${topic} back`);
  } finally {
    await consumer.disconnect();
  }
  for (const [p, list] of records) {
    assert.deepEqual(
      list.map((r) => r.offset),
      Array.from({ length: highs.get(p)! }, (_, i) => i),
      `partition ${p}: offsets dense and increasing from 0`,
    );
  }
  return records;
}

/** The group's committed offset of each partition of `topic` (-1 where none is committed). */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Map<number, number>> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map(entry.partitions.map((p) => [p.partition, Number(p.offset)]));
}

/** Asserts that every committed offset the broker acknowledged is still committed (or passed). */
export async function assertCommitsSurvived(admin: Admin, groupId: string, topic: string, acknowledged: Map<number, number>, when: string): Promise<void> {
  const committed = await committedOffsets(admin, groupId, topic);
  for (const [partition, offset] of acknowledged) {
    const now = committed.get(partition) ?? -1;
    assert.ok(now >= offset, `${when}: partition ${partition} committed offset ${now} is behind the acknowledged ${offset}`);
  }
}

/**
 * Starts a new consumer in `groupId` and asserts that on each partition the first record it gets
 * is the one at the committed offset. Every partition must have records past its committed offset.
 * Members left over from before a broker restart may hold up its join until their sessions expire;
 * a timeout reports what the consumer reached and how the group looked.
 */
export async function assertConsumerResumes(kafka: Kafka, admin: Admin, groupId: string, topic: string): Promise<void> {
  const committed = await committedOffsets(admin, groupId, topic);
  const highs = await highWatermarks(admin, topic);
  for (const [p, offset] of committed) assert.ok(offset >= 0 && offset < highs.get(p)!, `partition ${p}: committed ${offset} must leave records to read (high ${highs.get(p)})`);
  const first = new Map<number, number>();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, retry: NO_SELF_RESTART });
  let crash = '';
  consumer.on(consumer.events.CRASH, ({ payload }) => (crash = `${payload.error.name}: ${payload.error.message}`));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      if (!first.has(partition)) first.set(partition, Number(message.offset));
    },
  });
  try {
    await waitFor(() => first.size === committed.size || crash !== '', 'the resumed consumer to reach every partition').catch(async (err: Error) => {
      const [group] = (await admin.describeGroups([groupId])).groups;
      throw new Error(`${err.message}: it reached partitions [${[...first.keys()].sort()}] of ${committed.size}; the group is ${group.state} with members [${group.members.map((m) => m.memberId)}]`);
    });
    assert.equal(crash, '', 'the resumed consumer did not crash');
  } finally {
    await consumer.disconnect();
  }
  assert.deepEqual(new Map([...first].sort(([a], [b]) => a - b)), new Map([...committed].sort(([a], [b]) => a - b)), 'the consumer resumes at the committed offsets');
}
