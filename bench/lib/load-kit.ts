/** Small pieces shared by the load generators: stamped payloads, pacing, completion counting, abort. */
import { Histogram } from './histogram.js';

/** A payload of `size` bytes whose first 8 bytes (when it has them) hold `performance.now()` at creation. */
export function stampedPayload(size: number): Buffer {
  const payload = Buffer.alloc(size, 0x61);
  if (size >= 8) payload.writeDoubleLE(performance.now(), 0);
  return payload;
}

/** The `performance.now()` stamped in `payload` (NaN when it is too short to carry a stamp). */
function stampOf(payload: Uint8Array): number {
  if (payload.length < 8) return NaN;
  return Buffer.from(payload.buffer, payload.byteOffset, 8).readDoubleLE(0);
}

/** Milliseconds since the payload was stamped (NaN when it is too short to carry a stamp). */
export function ageMillis(payload: Uint8Array): number {
  return performance.now() - stampOf(payload);
}

/** A steady send rate, and how long its first messages count as warm-up (left out of the latency figures). */
export interface SteadyRate {
  perSec: number;
  warmupMs: number;
}

/**
 * Latency of a run, leaving out messages sent during a warm-up that starts at construction: every broker
 * (and the load generator) compiles its hot paths and sizes its buffers in the first second or so.
 */
export class SteadyLatency {
  readonly histogram = new Histogram();
  private readonly from: number;

  constructor(warmupMs = 0) {
    this.from = performance.now() + warmupMs;
  }

  /** Records the age of a stamped payload, unless it was stamped during the warm-up. */
  recordPayload(payload: Uint8Array): void {
    this.recordSince(stampOf(payload));
  }

  /** Records the time since `sentAt` (a `performance.now()`), unless it falls in the warm-up. */
  recordSince(sentAt: number): void {
    if (sentAt >= this.from) this.histogram.recordMillis(performance.now() - sentAt);
  }
}

/**
 * Spreads sends evenly at `ratePerSec`. `wait()` resolves when the next send is due; when it is already due
 * it still yields one event-loop turn, so a sender behind schedule lets socket callbacks (acks, deliveries)
 * run instead of flushing its whole backlog first.
 */
export class Pacer {
  private readonly started = performance.now();
  private sent = 0;

  constructor(private readonly ratePerSec: number) {}

  /** Call once per send and await the result. */
  wait(): Promise<void> {
    const dueAt = this.started + (this.sent++ * 1000) / this.ratePerSec;
    const ahead = dueAt - performance.now();
    if (ahead < 1) return new Promise((resolve) => setImmediate(resolve));
    return new Promise((resolve) => setTimeout(resolve, ahead));
  }
}

/** Counts completions and resolves `done` when `expected` are reached (or rejects with `fail`). */
export class Countdown {
  private seen = 0;
  private resolveDone!: () => void;
  private rejectDone!: (error: Error) => void;
  /** Settles when every expected completion arrived. */
  readonly done = new Promise<void>((resolve, reject) => {
    this.resolveDone = resolve;
    this.rejectDone = reject;
  });

  constructor(private readonly expected: number) {
    if (expected <= 0) this.resolveDone();
    this.done.catch(() => undefined);
  }

  /** Records `n` completions. */
  tick(n = 1): void {
    this.seen += n;
    if (this.seen >= this.expected) this.resolveDone();
  }

  /** Fails the countdown. */
  fail(error: Error): void {
    this.rejectDone(error);
  }
}

/** Bounds the number of operations in flight: `acquire` waits while `limit` are outstanding. */
export class Window {
  private outstanding = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Takes a slot, waiting for one when the window is full. */
  acquire(): Promise<void> | undefined {
    if (this.outstanding < this.limit) {
      this.outstanding++;
      return undefined;
    }
    return new Promise((resolve) => this.waiters.push(() => (this.outstanding++, resolve())));
  }

  /** Gives `n` slots back. */
  release(n = 1): void {
    this.outstanding -= n;
    while (this.outstanding < this.limit && this.waiters.length > 0) this.waiters.shift()!();
  }
}

/** Takes a slot of `window`, or rejects as soon as `done` fails (a failed send never gives its slot back). */
export function slotOrFailure(window: Window, done: Countdown): Promise<void> | undefined {
  const slot = window.acquire();
  return slot && Promise.race([slot, done.done]);
}

/** Runs `cleanup` once when `signal` aborts (a timed-out load must let go of its connections). */
export function onAbort(signal: AbortSignal, cleanup: () => unknown): void {
  if (signal.aborted) void Promise.resolve().then(cleanup).catch(() => undefined);
  else signal.addEventListener('abort', () => void Promise.resolve().then(cleanup).catch(() => undefined), { once: true });
}

/** Throws the abort reason if `signal` has aborted. */
export function checkAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/** A name unique to this run, for queues, topics and streams. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}
