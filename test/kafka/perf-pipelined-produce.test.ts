// Produce requests pipelined on one connection: each is appended as it arrives, without waiting for
// the acknowledgement of the one before (so they can share one group commit), offsets follow the
// arrival order, and a serial request that follows still waits for them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { StreamBroker } from '../../src/core/streams/index.js';
import type { ProtocolListener } from '../../src/core/listener.js';
import { startKafkaServer } from '../../src/kafka/server.js';
import { encodeBatch } from '../../src/storage/record-batch.js';
import { MemoryLogStore } from '../../src/storage/memory-store.js';
import type { AppendResult, LogConfig, LogStore, PartitionLog } from '../../src/storage/types.js';
import { RawKafkaClient } from './support/raw-client.js';

/** Logs whose name starts with this prefix hold every acknowledgement until `release()`. */
const HELD_PREFIX = 'held-';

/** A memory store whose held logs take appends at once but acknowledge them only when released. */
class HoldingStore implements LogStore {
  private readonly inner = new MemoryLogStore();
  private readonly held: (() => void)[] = [];
  /** Appends made to held logs so far. */
  appends = 0;

  async open(name: string, config?: Partial<LogConfig>): Promise<PartitionLog> {
    const log = await this.inner.open(name, config);
    if (!name.startsWith(HELD_PREFIX)) return log;
    const append = (batch: Buffer): Promise<AppendResult> => {
      this.appends++;
      const result = log.append(batch);
      return new Promise((resolve) => this.held.push(() => resolve(result)));
    };
    return new Proxy(log, {
      get: (target, key) => {
        if (key === 'append') return append;
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** Acknowledges every held append. */
  release(): void {
    for (const acknowledge of this.held.splice(0)) acknowledge();
  }

  list(): Promise<string[]> {
    return this.inner.list();
  }

  delete(name: string): Promise<void> {
    return this.inner.delete(name);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

let store: HoldingStore;
let streams: StreamBroker;
let listener: ProtocolListener;
let address: string;

before(async () => {
  store = new HoldingStore();
  streams = await StreamBroker.open(store);
  listener = await startKafkaServer(streams, { host: '127.0.0.1', port: 0 });
  address = `127.0.0.1:${listener.address.port}`;
});
after(async () => {
  store.release();
  await listener.close();
  await streams.close();
  await store.close();
});

const produceBody = (topic: string, value: string) => ({
  transactionalId: null,
  acks: -1,
  timeoutMs: 1000,
  topicData: [{ name: topic, partitionData: [{ index: 0, records: encodeBatch([{ key: null, value: Buffer.from(value) }]) }] }],
});

/** Reads five Produce answers: correlation ids from `firstId` on, in order, offsets 0..4, no error. */
async function assertInOrderAnswers(client: RawKafkaClient, firstId: number): Promise<void> {
  const answers = [];
  for (let i = 0; i < 5; i++) {
    const { correlationId, body } = await client.next();
    const partition = (body.responses as ProduceAnswer)[0].partitionResponses[0];
    answers.push([correlationId, partition.errorCode, partition.baseOffset]);
  }
  assert.deepEqual(answers, [0, 1, 2, 3, 4].map((i) => [firstId + i, 0, BigInt(i)]));
}

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

type ProduceAnswer = { partitionResponses: { errorCode: number; baseOffset: bigint }[] }[];

test('pipelined produce requests are all appended before the first is acknowledged, in arrival order', async () => {
  const topic = `${HELD_PREFIX}pipelined`;
  await streams.createTopic(topic, 1);
  const client = await RawKafkaClient.connect(address);
  const requests = [];
  for (let i = 0; i < 5; i++) requests.push(await client.encode('Produce', 7, 10 + i, produceBody(topic, `m${i}`)));
  const before = store.appends;
  client.write(...requests);
  await until('every request to be appended while none is acknowledged', () => store.appends - before === 5);
  store.release();
  await assertInOrderAnswers(client, 10);
  const stored = await streams.fetch(topic, 0, 0, 1 << 20, 0);
  for (let i = 0; i < 5; i++) assert.ok(stored.records.includes(Buffer.from(`m${i}`)));
  client.close();
});

test('a serial request after pipelined produces starts only once they are acknowledged', async () => {
  const topic = `${HELD_PREFIX}then-serial`;
  await streams.createTopic(topic, 1);
  const client = await RawKafkaClient.connect(address);
  const before = store.appends;
  client.write(
    await client.encode('Produce', 7, 1, produceBody(topic, 'first')),
    await client.encode('Produce', 7, 2, produceBody(topic, 'second')),
    await client.encode('DeleteRecords', 1, 3, { topics: [{ name: topic, partitions: [{ partitionIndex: 0, offset: -1n }] }], timeoutMs: 1000 }),
  );
  await until('both produces to be appended', () => store.appends - before === 2);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal((await streams.listOffsets(topic, 0, -2)).offset, 0, 'DeleteRecords has not run while the produces are held');
  store.release();
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push((await client.next()).correlationId);
  assert.deepEqual(ids, [1, 2, 3]);
  assert.equal((await streams.listOffsets(topic, 0, -2)).offset, 2, 'DeleteRecords ran after both produces');
  client.close();
});

test('pipelined produce requests to a topic they auto-create take offsets in arrival order', async () => {
  const client = await RawKafkaClient.connect(address);
  const requests = [];
  for (let i = 0; i < 5; i++) requests.push(await client.encode('Produce', 7, 20 + i, produceBody('auto-created-in-order', `m${i}`)));
  client.write(...requests);
  await assertInOrderAnswers(client, 20);
  client.close();
});
