// kafkajs consumer groups: partitions spread over members, idle members beyond the partition
// count, and a rebalance when a member leaves.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AssignerProtocol, type Admin, type Consumer, type Kafka } from 'kafkajs';
import { kafkajsClient, startKafkaBroker, type KafkaTestBroker } from './kafka-support/broker.js';

let broker: KafkaTestBroker;
let kafka: Kafka;
let admin: Admin;

before(async () => {
  broker = await startKafkaBroker();
  kafka = kafkajsClient(broker.brokers);
  admin = kafka.admin();
  await admin.connect();
});
after(async () => {
  await admin.disconnect();
  await broker.close();
});

async function startConsumers(groupId: string, topic: string, count: number): Promise<Consumer[]> {
  const consumers: Consumer[] = [];
  for (let i = 0; i < count; i++) {
    const consumer = kafka.consumer({ groupId, heartbeatInterval: 300, sessionTimeout: 10_000, rebalanceTimeout: 10_000, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async () => {} });
    consumers.push(consumer);
  }
  return consumers;
}

/** Waits until the group is stable with `members` members; returns each member's partition count, sorted. */
async function stableAssignment(groupId: string, members: number): Promise<number[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    if (group.state === 'Stable' && group.members.length === members) {
      const counts = group.members.map((m) => {
        const assignment = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
        return Object.values(assignment?.assignment ?? {}).reduce((n, partitions) => n + partitions.length, 0);
      });
      if (counts.reduce((a, b) => a + b, 0) === 6) return counts.sort();
    }
    if (Date.now() > deadline) throw new Error(`group ${groupId} did not settle: ${group.state}, ${group.members.length} members`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('three consumers over six partitions get two each; a leaving member hands its partitions over', async () => {
  await admin.createTopics({ topics: [{ topic: 'six', numPartitions: 6 }] });
  const consumers = await startConsumers('trio', 'six', 3);
  assert.deepEqual(await stableAssignment('trio', 3), [2, 2, 2]);
  await consumers.pop()!.disconnect();
  assert.deepEqual(await stableAssignment('trio', 2), [3, 3]);
  await Promise.all(consumers.map((c) => c.disconnect()));
});

test('eight consumers over six partitions leave two idle', async () => {
  await admin.createTopics({ topics: [{ topic: 'six-b', numPartitions: 6 }] });
  const consumers = await startConsumers('octet', 'six-b', 8);
  assert.deepEqual(await stableAssignment('octet', 8), [0, 0, 1, 1, 1, 1, 1, 1]);
  await Promise.all(consumers.map((c) => c.disconnect()));
  const { groups } = await admin.describeGroups(['octet']);
  assert.equal(groups[0].state, 'Empty');
});
