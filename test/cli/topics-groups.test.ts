import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../support/broker.js';

const run = promisify(execFile);

/** Runs the `switchyard` CLI against the test broker's admin API; resolves with stdout, rejects on a non-zero exit. */
async function switchyard(broker: TestBroker, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args, '--server', broker.httpUrl]);
  return stdout;
}

describe('switchyard topics and groups', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  before(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({ clientId: 'cli-test', brokers: broker.kafkaBrokers, logLevel: logLevel.NOTHING });
  });
  after(() => broker.close());

  it('creates, describes, alters, lists and deletes topics', async () => {
    assert.match(await switchyard(broker, 'topics', '--create', '--topic', 'orders', '--partitions', '3', '--config', 'retention.ms=60000'), /Created topic orders/);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'orders', messages: [0, 1, 2, 3].map((i) => ({ partition: i % 3, value: `order ${i}` })) });
    await producer.disconnect();
    const described = await switchyard(broker, 'topics', '--describe', '--topic', 'orders');
    assert.match(described, /Topic: orders\tTopicId: \S+\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: retention\.ms=60000/);
    const endOffsets = described.trim().split('\n').slice(2).map((line) => line.split(/\s+/).map(Number)).map(([partition, , start, end]) => ({ partition, start, end }));
    assert.deepEqual(endOffsets, [{ partition: 0, start: 0, end: 2 }, { partition: 1, start: 0, end: 1 }, { partition: 2, start: 0, end: 1 }]);
    await switchyard(broker, 'topics', '--alter', '--topic', 'orders', '--partitions', '4');
    assert.match(await switchyard(broker, 'topics', '--describe', '--topic', 'orders'), /PartitionCount: 4/);
    assert.deepEqual((await switchyard(broker, 'topics', '--list')).trim().split('\n'), ['orders']);
    await switchyard(broker, 'topics', '--delete', '--topic', 'orders');
    assert.equal((await switchyard(broker, 'topics', '--list')).trim(), '');
    await assert.rejects(switchyard(broker, 'topics', '--describe', '--topic', 'orders'), /no topic 'orders'/);
  });

  it('describes a group with lag and replays it by resetting offsets to the earliest', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'payments', numPartitions: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'payments', messages: Array.from({ length: 10 }, (_, i) => ({ partition: i % 2, value: `payment ${i}` })) });

    const consumeAll = async (count: number) => {
      const consumer = kafka.consumer({ groupId: 'billing', heartbeatInterval: 500 });
      await consumer.connect();
      await consumer.subscribe({ topic: 'payments', fromBeginning: true });
      const seen: string[] = [];
      await new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            seen.push(message.value!.toString());
            if (seen.length === count) resolve();
          },
        });
      });
      await consumer.disconnect();
      return seen;
    };
    assert.equal((await consumeAll(10)).length, 10);
    await producer.send({ topic: 'payments', messages: [{ partition: 0, value: 'late' }] });
    await producer.disconnect();

    assert.match(await switchyard(broker, 'groups', '--list'), /billing\s+Empty\s+consumer\s+0/);
    const described = await switchyard(broker, 'groups', '--describe', '--group', 'billing');
    const rows = described.split('\n').filter((line) => line.startsWith('billing'));
    assert.deepEqual(
      rows.map((line) => line.split(/\s+/).slice(1, 6)),
      [
        ['payments', '0', '5', '6', '1'],
        ['payments', '1', '5', '5', '0'],
      ],
    );
    const preview = await switchyard(broker, 'groups', '--reset-offsets', '--group', 'billing', '--topic', 'payments', '--to-earliest');
    assert.match(preview, /preview only/);
    assert.match(await switchyard(broker, 'groups', '--describe', '--group', 'billing'), /payments\s+0\s+5\s+6\s+1/);
    await switchyard(broker, 'groups', '--reset-offsets', '--group', 'billing', '--all-topics', '--to-earliest', '--execute');
    const replayed = await consumeAll(11);
    assert.equal(new Set(replayed).size, 11);
    assert.ok(replayed.includes('late'));
  });
});

describe('admin API for queues', () => {
  it('reports queue depth as RabbitMQ does', async () => {
    const broker = await startTestBroker();
    try {
      const amqp = await import('amqplib');
      const connection = await amqp.connect(broker.amqpUrl);
      const channel = await connection.createConfirmChannel();
      await channel.assertQueue('jobs', { durable: true });
      for (let i = 0; i < 3; i++) channel.sendToQueue('jobs', Buffer.from(`job ${i}`), { persistent: true });
      await channel.waitForConfirms();
      const first = await channel.get('jobs', { noAck: false });
      assert.ok(first);
      const response = await fetch(`${broker.httpUrl}/api/queues/%2F/jobs`);
      assert.equal(response.status, 200);
      const queue = (await response.json()) as Record<string, unknown>;
      assert.equal(queue.messages_ready, 2);
      assert.equal(queue.messages_unacknowledged, 1);
      assert.equal(queue.messages, 3);
      assert.equal((await fetch(`${broker.httpUrl}/api/queues/%2F/absent`)).status, 404);
      await connection.close();
    } finally {
      await broker.close();
    }
  });
});
