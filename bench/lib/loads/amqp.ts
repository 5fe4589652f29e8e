import amqplib, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { Histogram } from '../histogram.js';
import { ageMillis, checkAborted, Countdown, onAbort, Pacer, slotOrFailure, stampedPayload, SteadyLatency, uniqueName, Window, type SteadyRate } from '../load-kit.js';
import type { Measured } from '../scenario.js';

/** AMQP queue flavour: RabbitMQ classic, or quorum (`x-queue-type: quorum`, always durable). */
export type QueueType = 'classic' | 'quorum';

/**
 * A connection that closes itself when `signal` aborts; its errors surface through the operations they fail.
 * `noDelay` turns Nagle's algorithm off (TCP_NODELAY; amqplib leaves it on).
 */
async function open(url: string, signal: AbortSignal, noDelay = false): Promise<ChannelModel> {
  const connection = await amqplib.connect(url, { noDelay });
  connection.on('error', () => undefined); // the close that follows fails the pending operations
  onAbort(signal, () => connection.close());
  return connection;
}

/** Makes channel errors fail the countdown instead of crashing the process. */
function watch<C extends Channel>(channel: C, countdown: Countdown): C {
  channel.on('error', (error: Error) => countdown.fail(error));
  channel.on('close', () => countdown.fail(new Error('channel closed by the broker')));
  return channel;
}

function queueArguments(type: QueueType): Record<string, unknown> | undefined {
  return type === 'quorum' ? { 'x-queue-type': 'quorum' } : undefined;
}

/** Options of one publish(-and-consume) run. */
export interface AmqpFlowOptions {
  url: string;
  queueType: QueueType;
  /** 1: publish to the default exchange; more: a fanout exchange bound to that many queues. */
  queues: number;
  size: number;
  /** Messages published (deliveries expected: count × queues when consuming). */
  count: number;
  /** Persistent messages to durable queues, consumed with manual acks; else transient with auto-ack. */
  persistent: boolean;
  /** Publisher confirms with at most this many unconfirmed; 0 for none (publish against socket back-pressure). */
  confirmWindow: number;
  /** What latency means: publish to delivery (stamp in payload) or publish to confirm. */
  latency: 'delivery' | 'confirm';
  /** Consume while publishing (default); false leaves a backlog for `amqpDrain`. */
  consume?: boolean;
  /** Publish at this steady rate instead of as fast as possible (latency leaves out its warm-up). */
  steady?: SteadyRate;
  /** Base queue name (the queues are `<name>-<i>`); a fresh name when omitted. */
  queueName?: string;
  /** Leave the queues in place afterwards (for a drain that follows). */
  keepQueues?: boolean;
  /** Turn Nagle's algorithm off on the client socket (TCP_NODELAY), as latency-sensitive clients do. */
  noDelay?: boolean;
  /** Leave messages sent in the first this many ms out of the latency figures (a steady run uses `steady.warmupMs`). */
  warmupMs?: number;
}

/** Publishes (and by default consumes) `count` messages; time runs from the first publish to the last delivery/confirm. */
export async function amqpFlow(options: AmqpFlowOptions, signal: AbortSignal): Promise<Measured> {
  const { count, size, persistent, confirmWindow } = options;
  const consume = options.consume ?? true;
  const connection = await open(options.url, signal, options.noDelay);
  try {
    const base = options.queueName ?? uniqueName('bench');
    const names = Array.from({ length: options.queues }, (_, i) => `${base}-${i}`);
    const fanout = options.queues > 1 ? `${base}-fanout` : '';
    const expected = (consume ? count * options.queues : 0) + (confirmWindow > 0 ? count : 0);
    const done = new Countdown(expected);
    const setup = watch(await connection.createChannel(), done);
    for (const name of names) await setup.assertQueue(name, { durable: persistent || options.queueType === 'quorum', arguments: queueArguments(options.queueType) });
    if (fanout) {
      await setup.assertExchange(fanout, 'fanout', { durable: persistent });
      for (const name of names) await setup.bindQueue(name, fanout, '');
    }
    const latency = new SteadyLatency(options.steady?.warmupMs ?? options.warmupMs);
    if (consume) await consumeAll(connection, names, persistent, done, (message) => options.latency === 'delivery' && latency.recordPayload(message.content));
    const confirming = confirmWindow > 0 ? (watch(await connection.createConfirmChannel(), done)) : undefined;
    const publisher = confirming ?? watch(await connection.createChannel(), done);
    const window = new Window(Math.max(1, confirmWindow));
    const pacer = options.steady ? new Pacer(options.steady.perSec) : undefined;
    const routingKey = fanout ? '' : names[0];
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      if (i % 1000 === 0) checkAborted(signal);
      await pacer?.wait();
      const payload = stampedPayload(size);
      if (confirming) {
        await slotOrFailure(window, done);
        confirming.publish(fanout, routingKey, payload, { persistent }, (error) => {
          if (error) return done.fail(new Error('publish nacked'));
          if (options.latency === 'confirm') latency.recordPayload(payload);
          window.release();
          done.tick();
        });
      } else if (!publisher.publish(fanout, routingKey, payload, { persistent })) {
        await Promise.race([new Promise((resolve) => publisher.once('drain', resolve)), done.done]);
      }
    }
    await done.done;
    const seconds = (performance.now() - started) / 1000;
    const messages = consume ? count * options.queues : count;
    if (!options.keepQueues) await deleteAll(connection, names, fanout);
    return { messages, bytes: messages * size, seconds, latency: latency.histogram };
  } finally {
    await connection.close().catch(() => undefined);
  }
}

async function consumeAll(connection: ChannelModel, names: string[], manualAck: boolean, done: Countdown, onMessage: (message: ConsumeMessage) => unknown): Promise<void> {
  const channel = watch(await connection.createChannel(), done);
  if (manualAck) await channel.prefetch(1000);
  let unacked = 0;
  for (const name of names) {
    await channel.consume(
      name,
      (message) => {
        if (!message) return done.fail(new Error(`consumer of ${name} cancelled by the broker`));
        onMessage(message);
        if (manualAck && ++unacked >= 100) {
          channel.ack(message, true);
          unacked = 0;
        }
        done.tick();
      },
      { noAck: !manualAck },
    );
  }
  // Ack the tail that did not fill a batch of 100.
  if (manualAck) void done.done.then(() => unacked > 0 && channel.ackAll(), () => undefined);
}

async function deleteAll(connection: ChannelModel, names: string[], exchange: string): Promise<void> {
  const channel = await connection.createChannel();
  for (const name of names) await channel.deleteQueue(name);
  if (exchange) await channel.deleteExchange(exchange);
  await channel.close();
}

/** Consumes `count` messages already waiting in `queue` (manual acks, prefetch 1000), then deletes the queue. */
export async function amqpDrain(url: string, queue: string, count: number, size: number, signal: AbortSignal): Promise<Measured> {
  const connection = await open(url, signal);
  try {
    const done = new Countdown(count);
    const started = performance.now();
    await consumeAll(connection, [queue], true, done, () => undefined);
    await done.done;
    const seconds = (performance.now() - started) / 1000;
    await deleteAll(connection, [queue], '');
    return { messages: count, bytes: count * size, seconds };
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/**
 * Declares `queues` durable queues, publishes `perQueue` persistent messages to each with confirms
 * (256 in flight), then consumes them all. Time covers declare, publish and consume; latency is
 * publish to confirm.
 */
export async function amqpManyQueues(url: string, queues: number, perQueue: number, size: number, signal: AbortSignal): Promise<Measured> {
  const connection = await open(url, signal, true);
  try {
    const base = uniqueName('bench-many');
    const names = Array.from({ length: queues }, (_, i) => `${base}-${i}`);
    const total = queues * perQueue;
    const confirmed = new Countdown(total);
    const consumed = new Countdown(total);
    const latency = new Histogram();
    const started = performance.now();
    const setup = watch(await connection.createChannel(), confirmed);
    for (const name of names) await setup.assertQueue(name, { durable: true });
    const publisher = watch(await connection.createConfirmChannel(), confirmed);
    const window = new Window(256);
    for (let i = 0; i < total; i++) {
      if (i % 1000 === 0) checkAborted(signal);
      await slotOrFailure(window, confirmed);
      const payload = stampedPayload(size);
      publisher.sendToQueue(names[i % queues], payload, { persistent: true }, (error) => {
        if (error) return confirmed.fail(new Error('publish nacked'));
        latency.recordMillis(ageMillis(payload));
        window.release();
        confirmed.tick();
      });
    }
    await confirmed.done;
    await consumeAll(connection, names, true, consumed, () => undefined);
    await consumed.done;
    const seconds = (performance.now() - started) / 1000;
    await deleteAll(connection, names, '');
    return { messages: total, bytes: total * size, seconds, latency, extra: { queues, perQueue } };
  } finally {
    await connection.close().catch(() => undefined);
  }
}
