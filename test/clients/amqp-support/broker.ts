/** Brokers and raw-socket plumbing shared by the AMQP client tests. */
import { connect, type Socket } from 'node:net';
import { QueueBroker } from '../../../src/core/queues/index.js';
import { startAmqpServer, type AmqpListener, type AmqpServerOptions } from '../../../src/amqp/server.js';
import { MemoryLogStore } from '../../../src/storage/memory-store.js';
import { startTestBroker } from '../../support/broker.js';

/** A running broker as an AMQP client sees it. */
export interface AmqpTestBroker {
  /** `amqp://guest:guest@127.0.0.1:<port>` */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * A real RabbitMQ to run the scenarios against instead of Switchyard (differential mode), from
 * `AMQP_REFERENCE_URL`; undefined when the suite tests Switchyard.
 */
export const referenceUrl: string | undefined = process.env.AMQP_REFERENCE_URL || undefined;

/** A `skip` option for tests that need Switchyard itself: false normally, the reason in reference mode. */
export function switchyardOnly(why: string): string | false {
  return referenceUrl === undefined ? false : `Switchyard only (${why}); AMQP_REFERENCE_URL is set`;
}

const runSuffix = `-${process.pid.toString(36)}${Date.now().toString(36).slice(-5)}`;

/**
 * `name` made unique to this test run, so that queues and exchanges left on a long-lived reference broker
 * by earlier runs do not collide. Unchanged against Switchyard (each test starts its own broker).
 */
export function unique(name: string): string {
  return referenceUrl === undefined ? name : name + runSuffix;
}

/** The full broker (file storage in a temporary directory) with its AMQP listener, or the reference broker. */
export async function startAmqpBroker(): Promise<AmqpTestBroker> {
  if (referenceUrl !== undefined) return { url: referenceUrl, port: Number(new URL(referenceUrl).port || 5672), close: async () => undefined };
  const test = await startTestBroker();
  const port = Number(new URL(test.amqpUrl).port);
  return { url: test.amqpUrl, port, close: () => test.close() };
}

/** Only the AMQP listener over an in-memory store, for listener options the full broker does not expose. */
export async function startAmqpListener(options: Partial<AmqpServerOptions> = {}): Promise<AmqpTestBroker & { listener: AmqpListener }> {
  const store = new MemoryLogStore();
  const queues = await QueueBroker.open(store, { maxMessageBytes: options.maxMessageBytes });
  const listener = await startAmqpServer(queues, { host: '127.0.0.1', port: 0, ...options });
  const port = listener.address.port;
  return {
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    port,
    listener,
    async close() {
      await listener.close();
      await queues.close();
      await store.close();
    },
  };
}

/** A raw TCP connection that records every byte the server sends and when the server hangs up. */
export class RawConnection {
  received = Buffer.alloc(0);
  readonly ended: Promise<void>;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => undefined);
    this.ended = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Resolves once `predicate` holds for the bytes received so far (rejects after `timeoutMs`). */
  async waitFor(predicate: (received: Buffer) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      if (Date.now() > deadline) throw new Error(`timed out; received ${this.received.length} bytes`);
      await Promise.race([new Promise<void>((resolve) => this.waiters.push(resolve)), this.ended, new Promise((r) => setTimeout(r, 50))]);
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
