/**
 * Shared fixtures for the queue broker tests: a broker over a memory or file store, a consumer that
 * records its deliveries, and a wait helper that polls a condition (never a timing assertion).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueBroker, type ConsumeOptions, type Delivery, type Session } from '../../../src/core/queues/index.js';
import { MemoryLogStore } from '../../../src/storage/memory-store.js';
import { FileLogStore } from '../../../src/storage/file/file-log-store.js';
import type { LogStore } from '../../../src/storage/types.js';
import { BrokerError, type ErrorName } from '../../../src/core/errors.js';

/** A broker over a fresh memory store, with one session on '/'. */
export async function memoryBroker(): Promise<{ broker: QueueBroker; store: MemoryLogStore; session: Session }> {
  const store = new MemoryLogStore();
  const broker = await QueueBroker.open(store);
  return { broker, store, session: broker.openSession('/', 'conn-1') };
}

/** A temporary directory for a file store, removed by `cleanup`. */
export async function tempDataDir(): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-queues-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Opens a file store in `dir`. */
export function openFileStore(dir: string): Promise<LogStore> {
  return FileLogStore.open(dir, { fsync: 'batch' });
}

/** Polls `condition` until it holds; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Lets pending microtasks and I/O callbacks run. */
export function settle(ms = 10): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A consumer recording deliveries and cancellations. */
export interface Recorder {
  tag: string;
  deliveries: Delivery[];
  cancelled: boolean;
  bodies(): string[];
  waitCount(n: number): Promise<void>;
}

/** Starts a consumer on `queue` that records what it gets. */
export function record(session: Session, queue: string, options: ConsumeOptions = {}): Recorder {
  const r: Recorder = {
    tag: '',
    deliveries: [],
    cancelled: false,
    bodies: () => r.deliveries.map((d) => d.body.toString()),
    waitCount: (n) => waitFor(() => r.deliveries.length >= n, `${n} deliveries (got ${r.deliveries.length})`),
  };
  r.tag = session.consume(
    queue,
    options,
    (d) => r.deliveries.push(d),
    () => {
      r.cancelled = true;
    },
  );
  return r;
}

/** Publishes string bodies to the default exchange (routing key = queue) and waits until stored. */
export async function publishAll(session: Session, queue: string, bodies: string[], properties = {}): Promise<void> {
  await Promise.all(bodies.map((b) => session.publish('', queue, properties, Buffer.from(b))));
}

/** Asserts that `fn` fails with the named BrokerError. */
export async function rejectsWith(fn: () => unknown, name: ErrorName): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof BrokerError && err.errorName === name) return;
    throw new Error(`expected BrokerError ${name}, got ${String(err)}`);
  }
  throw new Error(`expected BrokerError ${name}, but it succeeded`);
}
