// Kafka through the real server process over repeated SIGKILLs on one data directory:
// idempotent producers and a committing group consumer keep running while the broker is killed
// and restarted on the same port; afterwards every acknowledged record is stored once with its
// value at dense offsets, acknowledged commits were never lost, and a new consumer in the group
// resumes at the committed offsets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startServerProcess } from './kafka-server-process.js';
import { assertCommitsSurvived, assertConsumerResumes, crashClient, readWholeTopic, recordMessage, recordValue, waitFor, type StoredRecord } from './kafka-crash-kit.js';
import { startCommittingConsumer, startProducers, type ProduceLedger } from './kafka-crash-workload.js';

const CYCLES = Number(process.env.SWITCHYARD_CRASH_CYCLES ?? 8);
const PARTITIONS = 3;
const PRODUCERS = 2;
const TOPIC = 'events';
const GROUP = 'event-readers';
/** Longest extra wait before a kill, once the cycle has made progress. */
const MAX_KILL_DELAY_MS = 400;

/** Checks the stored records against what the producers were told; returns the counts to report. */
function checkStored(records: Map<number, StoredRecord[]>, ledger: ProduceLedger) {
  const copies = new Map<number, StoredRecord[]>();
  for (const [partition, list] of records) {
    const lastBySession = new Map<string, number>();
    for (const r of list) {
      assert.ok(r.n < ledger.nextRecord, `record ${r.n} was never sent`);
      assert.equal(r.n % PARTITIONS, partition, `record ${r.n} is in partition ${partition}`);
      assert.equal(r.value, recordValue(r.n), `value of record ${r.n}`);
      assert.ok((lastBySession.get(r.session) ?? -1) < r.n, `partition ${partition}: session ${r.session} records in send order at ${r.n}`);
      lastBySession.set(r.session, r.n);
      copies.set(r.n, [...(copies.get(r.n) ?? []), r]);
    }
  }
  let acknowledged = 0;
  for (const send of ledger.acknowledged) {
    for (const n of send.records) assert.ok(copies.has(n), `acknowledged record ${n} (session ${send.session}) is stored`);
    for (const { partition, baseOffset } of send.metadata) {
      const first = send.records.find((n) => n % PARTITIONS === partition);
      assert.equal(records.get(partition)![Number(baseOffset)]?.n, first, `session ${send.session}: the answer's base offset ${baseOffset} on partition ${partition}`);
    }
    acknowledged += send.records.length;
  }
  const duplicates = [...copies.values()].reduce((sum, list) => sum + list.length - 1, 0);
  return { acknowledged, duplicates, stored: [...records.values()].reduce((sum, list) => sum + list.length, 0) };
}

test(`acknowledged records and commits survive ${CYCLES} SIGKILLs of the server`, { timeout: 300_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-kafka-crash-'));
  const port = await freePort();
  let server = await startServerProcess({ dataDir, kafkaPort: port });
  const kafka = crashClient([`127.0.0.1:${port}`]);
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
    const clock = { kills: 0 };
    const producers = startProducers(kafka, TOPIC, PARTITIONS, PRODUCERS, clock);
    const { ledger: commits, stop: stopConsumer } = startCommittingConsumer(kafka, TOPIC, GROUP);
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const sends = producers.ledger.acknowledged.length;
      const consumed = commits.consumed;
      await waitFor(
        () => producers.ledger.acknowledged.length > sends + PRODUCERS && commits.consumed > consumed,
        `produce and consume in cycle ${cycle}`,
      );
      await new Promise((resolve) => setTimeout(resolve, Math.random() * MAX_KILL_DELAY_MS));
      const committed = new Map(commits.acknowledged);
      await server.kill();
      clock.kills++;
      server = await startServerProcess({ dataDir, kafkaPort: port });
      await assertCommitsSurvived(admin, GROUP, TOPIC, committed, `after kill ${cycle}`);
    }
    const ledger = await producers.stop();
    await stopConsumer();
    assert.deepEqual(commits.badValues, [], 'the consumer saw every record with its value');

    const counts = checkStored(await readWholeTopic(kafka, admin, TOPIC), ledger);
    assert.equal(counts.duplicates, 0, 'no record is stored twice (each is sent by one idempotent session)');
    const crossed = ledger.acknowledged.filter((s) => s.crossedCrash).length;
    console.log(
      `kafka crash: ${CYCLES} kills, ${ledger.sessions} producer sessions, ${counts.acknowledged} records acknowledged, ` +
        `${ledger.unacknowledged.size} unacknowledged, ${counts.stored} stored, ${counts.duplicates} duplicates, ` +
        `${crossed} acknowledged sends retried across a kill, ${commits.consumed} consumed by ${commits.consumers} consumers`,
    );

    // One more record per partition, so the group has something to resume at.
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: TOPIC, acks: -1, messages: Array.from({ length: PARTITIONS }, (_, i) => recordMessage(ledger.nextRecord + i, PARTITIONS)) });
    await producer.disconnect();
    await assertConsumerResumes(kafka, admin, GROUP, TOPIC);
  } finally {
    await admin.disconnect();
    await server.kill();
    await rm(dataDir, { recursive: true, force: true });
  }
});
