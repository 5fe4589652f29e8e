import { connect, StorageType, type JetStreamClient, type NatsConnection } from 'nats';
import { Histogram } from '../histogram.js';
import { checkAborted, Countdown, onAbort, Pacer, slotOrFailure, stampedPayload, SteadyLatency, uniqueName, Window, type SteadyRate } from '../load-kit.js';
import type { Measured } from '../scenario.js';

async function open(url: string, signal: AbortSignal): Promise<NatsConnection> {
  const connection = await connect({ servers: url });
  onAbort(signal, () => connection.close());
  return connection;
}

/** Creates a file-backed JetStream stream whose only subject is its name; returns the name. */
export async function createStream(url: string, stream = uniqueName('bench')): Promise<string> {
  const connection = await connect({ servers: url });
  try {
    const manager = await connection.jetstreamManager();
    await manager.streams.add({ name: stream, subjects: [stream], storage: StorageType.File });
  } finally {
    await connection.close();
  }
  return stream;
}

/** Publishes `count` messages to a JetStream stream with `window` PubAcks outstanding; latency is publish to PubAck. */
export async function natsPublish(url: string, size: number, count: number, window: number, signal: AbortSignal, stream?: string): Promise<Measured> {
  const subject = stream ?? (await createStream(url));
  const connection = await open(url, signal);
  try {
    const js = connection.jetstream();
    const latency = new Histogram();
    const slots = new Window(window);
    const done = new Countdown(count);
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      if (i % 1000 === 0) checkAborted(signal);
      await slotOrFailure(slots, done);
      const sentAt = performance.now();
      js.publish(subject, stampedPayload(size)).then(
        () => {
          latency.recordMillis(performance.now() - sentAt);
          slots.release();
          done.tick();
        },
        (error: Error) => done.fail(new Error(`JetStream publish failed: ${error.message}`)),
      );
    }
    await done.done;
    const seconds = (performance.now() - started) / 1000;
    return { messages: count, bytes: count * size, seconds, latency, extra: { stream: subject } };
  } finally {
    await connection.close().catch(() => undefined);
  }
}

async function orderedConsume(js: JetStreamClient, stream: string, done: Countdown, onMessage: (data: Uint8Array) => void): Promise<() => void> {
  const consumer = await js.consumers.get(stream);
  const messages = await consumer.consume({ max_messages: 1000 });
  void (async () => {
    for await (const message of messages) {
      onMessage(message.data);
      done.tick();
    }
  })().catch((error: Error) => done.fail(new Error(`JetStream consume failed: ${error.message}`)));
  return () => void messages.close();
}

/** Reads `count` messages of a stream from its start with an ordered consumer. */
export async function natsConsume(url: string, stream: string, count: number, size: number, signal: AbortSignal): Promise<Measured> {
  const connection = await open(url, signal);
  try {
    const done = new Countdown(count);
    const started = performance.now();
    const stop = await orderedConsume(connection.jetstream(), stream, done, () => undefined);
    await done.done;
    const seconds = (performance.now() - started) / 1000;
    stop();
    return { messages: count, bytes: count * size, seconds };
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Publishes at a steady rate to a stream while an ordered consumer reads it; latency is publish stamp to arrival. */
export async function natsFixedRate(url: string, rate: SteadyRate, count: number, size: number, signal: AbortSignal): Promise<Measured> {
  const stream = await createStream(url);
  const connection = await open(url, signal);
  try {
    const js = connection.jetstream();
    const latency = new SteadyLatency(rate.warmupMs);
    const done = new Countdown(count);
    const stop = await orderedConsume(js, stream, done, (data) => latency.recordPayload(data));
    const pacer = new Pacer(rate.perSec);
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      if (i % 1000 === 0) checkAborted(signal);
      await pacer.wait();
      js.publish(stream, stampedPayload(size)).catch((error: Error) => done.fail(new Error(`JetStream publish failed: ${error.message}`)));
    }
    await done.done;
    const seconds = (performance.now() - started) / 1000;
    stop();
    return { messages: count, bytes: count * size, seconds, latency: latency.histogram };
  } finally {
    await connection.close().catch(() => undefined);
  }
}
