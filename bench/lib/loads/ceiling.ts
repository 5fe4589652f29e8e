import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../brokers/switchyard.js';
import { BROKER_CPU, canPin } from '../child.js';
import { checkAborted, Countdown, onAbort, Pacer, slotOrFailure, SteadyLatency, Window, type SteadyRate } from '../load-kit.js';
import type { Measured } from '../scenario.js';

/** Options of a raw socket run against the socket sink. */
export interface SocketFlowOptions {
  port: number;
  size: number;
  count: number;
  /** Frames sent but not yet acknowledged by the sink, at most. */
  window: number;
  /** Send at this steady rate instead of as fast as the window allows (latency leaves out its warm-up). */
  steady?: SteadyRate;
}

/**
 * The raw loopback socket ceiling: one connection, `count` frames of `size` bytes (plus a 4-byte length),
 * each acknowledged by the sink; latency is send to acknowledgement.
 */
export async function socketFlow(options: SocketFlowOptions, signal: AbortSignal): Promise<Measured> {
  const socket = connect(options.port, '127.0.0.1');
  socket.setNoDelay(true);
  onAbort(signal, () => socket.destroy());
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const sentAt = new Float64Array(options.count);
  const latency = new SteadyLatency(options.steady?.warmupMs);
  const done = new Countdown(options.count);
  const window = new Window(options.window);
  let acked = 0;
  let pending: Buffer = Buffer.alloc(0);
  socket.on('error', (error) => done.fail(error));
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let at = 0;
    for (; at + 4 <= pending.length; at += 4) {
      const n = pending.readUInt32BE(at);
      for (let i = acked; i < acked + n; i++) latency.recordSince(sentAt[i]);
      acked += n;
      window.release(n);
      done.tick(n);
    }
    pending = pending.subarray(at);
  });
  const frame = Buffer.alloc(4 + options.size, 0x61);
  frame.writeUInt32BE(options.size, 0);
  const pacer = options.steady ? new Pacer(options.steady.perSec) : undefined;
  const started = performance.now();
  for (let i = 0; i < options.count; i++) {
    if (i % 1000 === 0) checkAborted(signal);
    await pacer?.wait();
    await slotOrFailure(window, done);
    sentAt[i] = performance.now();
    // Frames written in the same tick leave in one syscall, as a client library's buffered writes would.
    if (!socket.writableCorked) {
      socket.cork();
      process.nextTick(() => socket.uncork());
    }
    if (!socket.write(frame)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), done.done]);
  }
  await done.done;
  const seconds = (performance.now() - started) / 1000;
  socket.destroy();
  return { messages: options.count, bytes: options.count * options.size, seconds, latency: latency.histogram };
}

/**
 * The raw sequential append ceiling: runs bench/lib/ceiling/append-loop.ts pinned to the broker core in a
 * temp dir and returns its own figures (the child measures its CPU and peak RSS itself).
 */
export async function appendCeiling(size: number, count: number, window: number, fsync: 'batch' | 'never', signal: AbortSignal): Promise<Measured> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-append-'));
  try {
    const node = [process.execPath, '--import', 'tsx', 'bench/lib/ceiling/append-loop.ts', dir, `${size}`, `${count}`, `${window}`, fsync];
    const [file, args] = canPin ? ['taskset', ['-c', BROKER_CPU, ...node]] : [node[0], node.slice(1)];
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(file, args, { cwd: REPO_ROOT, signal, maxBuffer: 1 << 20 }, (error, out) => (error ? reject(error) : resolve(out))),
    );
    const measured = JSON.parse(stdout.trim().split('\n').pop()!) as Measured;
    return { ...measured, extra: { command: [file, ...args].join(' ') } };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
