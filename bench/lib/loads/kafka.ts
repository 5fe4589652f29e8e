import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { Kafka, logLevel, type ISocketFactory, type Producer } from 'kafkajs';
import { Histogram } from '../histogram.js';
import { checkAborted, Countdown, onAbort, Pacer, slotOrFailure, stampedPayload, SteadyLatency, uniqueName, Window, type SteadyRate } from '../load-kit.js';
import type { Measured } from '../scenario.js';
import { runTool } from '../tool.js';

/** kafkajs's default socket, with Nagle's algorithm off (TCP_NODELAY), as latency-sensitive clients run. */
const noDelaySocket: ISocketFactory = ({ host, port, onConnect }) => {
  const socket = net.connect({ host, port }, onConnect);
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 60_000);
  return socket;
};

/** A kafkajs client that logs nothing (failures surface as rejected promises); `noDelay` turns Nagle's algorithm off on its sockets (kafkajs leaves it on). */
function client(brokers: string[], noDelay = false): Kafka {
  return new Kafka({ clientId: 'switchyard-bench', brokers, logLevel: logLevel.NOTHING, retry: { retries: 3 }, ...(noDelay ? { socketFactory: noDelaySocket } : {}) });
}

/** Creates a one-partition topic (an existing one is fine) and returns its name. */
export async function createTopic(brokers: string[], topic = uniqueName('bench')): Promise<string> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  return topic;
}

/** Options of a kafkajs produce run. */
export interface KafkaProduceOptions {
  brokers: string[];
  size: number;
  count: number;
  /** 1 (leader) or -1 (all in-sync replicas). */
  acks: 1 | -1;
  /** Messages per ProduceRequest. */
  batch: number;
  /** ProduceRequests in flight. */
  inFlight: number;
  /** Topic to write (created when omitted). */
  topic?: string;
}

async function connectedProducer(brokers: string[], signal: AbortSignal, noDelay = false): Promise<Producer> {
  const producer = client(brokers, noDelay).producer({ allowAutoTopicCreation: true });
  await producer.connect();
  onAbort(signal, () => producer.disconnect());
  return producer;
}

/** Produces `count` messages with kafkajs in batches; latency is each batch's request-to-response time. */
export async function kafkaProduce(options: KafkaProduceOptions, signal: AbortSignal): Promise<Measured> {
  const topic = options.topic ?? (await createTopic(options.brokers));
  const producer = await connectedProducer(options.brokers, signal);
  try {
    const latency = new Histogram();
    const window = new Window(options.inFlight);
    const done = new Countdown(options.count);
    const started = performance.now();
    for (let sent = 0; sent < options.count; ) {
      checkAborted(signal);
      await slotOrFailure(window, done);
      const n = Math.min(options.batch, options.count - sent);
      const messages = Array.from({ length: n }, () => ({ value: stampedPayload(options.size) }));
      const sentAt = performance.now();
      producer.send({ topic, acks: options.acks, messages }).then(
        () => {
          latency.recordMillis(performance.now() - sentAt, n);
          window.release();
          done.tick(n);
        },
        (error: Error) => done.fail(error),
      );
      sent += n;
    }
    await done.done;
    const seconds = (performance.now() - started) / 1000;
    return { messages: options.count, bytes: options.count * options.size, seconds, latency, extra: { topic } };
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

/**
 * Produces `count` messages of `size` bytes with kcat (librdkafka) from a prepared file, `-X linger.ms=5`,
 * and times it from spawn to exit (kcat exits once every message is acknowledged). The topic's high
 * watermark is checked afterwards. No per-message latency: librdkafka does not report one here.
 */
export async function kcatProduce(brokers: string[], size: number, count: number, acks: 1 | -1, signal: AbortSignal): Promise<Measured> {
  const topic = await createTopic(brokers);
  const dir = await mkdtemp(join(tmpdir(), 'bench-kcat-'));
  try {
    const file = join(dir, 'messages');
    const line = Buffer.alloc(size + 1, 0x61);
    line[size] = 0x0a;
    await writeFile(file, Buffer.concat(Array.from({ length: count }, () => line)));
    const args = ['-P', '-b', brokers.join(','), '-t', topic, '-p', '0', '-X', 'linger.ms=5', '-X', `acks=${acks}`, '-l', file];
    const started = performance.now();
    await runTool('kcat', args, signal);
    const seconds = (performance.now() - started) / 1000;
    const admin = client(brokers).admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
    const high = Number(offsets.find((o) => o.partition === 0)?.high ?? -1);
    if (high !== count) throw new Error(`kcat finished but the topic's high watermark is ${high}, not ${count}`);
    return { messages: count, bytes: count * size, seconds, extra: { command: `kcat ${args.join(' ')}` } };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Reads `count` messages of partition 0 from the beginning with kcat (librdkafka, no consumer group) and
 * times it from spawn to exit. kcat prints one byte per message, which is how the messages are counted.
 */
export async function kcatConsume(brokers: string[], topic: string, count: number, size: number, signal: AbortSignal): Promise<Measured> {
  const args = ['-C', '-b', brokers.join(','), '-t', topic, '-p', '0', '-o', 'beginning', '-c', `${count}`, '-e', '-q', '-f', '.', '-X', 'fetch.wait.max.ms=10'];
  let received = 0;
  const started = performance.now();
  await runTool('kcat', args, signal, (chunk) => (received += chunk.length));
  const seconds = (performance.now() - started) / 1000;
  if (received !== count) throw new Error(`kcat read ${received} of ${count} messages`);
  return { messages: count, bytes: count * size, seconds, extra: { command: `kcat ${args.join(' ')}` } };
}

/**
 * Produces at a steady rate (one request per millisecond tick) and consumes with a kafkajs consumer group,
 * both with TCP_NODELAY; latency is produce-time stamp to arrival at the consumer.
 */
export async function kafkaFixedRate(brokers: string[], rate: SteadyRate, count: number, size: number, signal: AbortSignal): Promise<Measured> {
  const topic = await createTopic(brokers);
  const kafka = client(brokers, true);
  const consumer = kafka.consumer({ groupId: uniqueName('bench-group'), maxWaitTimeInMs: 100 });
  const producer = await connectedProducer(brokers, signal, true);
  onAbort(signal, () => consumer.disconnect());
  try {
    const latency = new SteadyLatency(rate.warmupMs);
    const received = new Countdown(count);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) if (message.value) latency.recordPayload(message.value);
        received.tick(batch.messages.length);
      },
    });
    await joined;
    const pacer = new Pacer(rate.perSec / 10); // bursts of 10 messages
    const started = performance.now();
    for (let sent = 0; sent < count; sent += 10) {
      checkAborted(signal);
      await pacer.wait();
      const messages = Array.from({ length: Math.min(10, count - sent) }, () => ({ value: stampedPayload(size) }));
      producer.send({ topic, acks: -1, messages }).catch((error: Error) => received.fail(error));
    }
    await received.done;
    const seconds = (performance.now() - started) / 1000;
    return { messages: count, bytes: count * size, seconds, latency: latency.histogram };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
}
