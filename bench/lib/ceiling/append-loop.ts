/**
 * The raw sequential append ceiling: appends COUNT messages of SIZE bytes to a fresh file, WINDOW messages
 * per write(2), with one fdatasync per window when FSYNC is `batch` (none when `never`). Every message's
 * latency is its window's write+fdatasync time. Prints one JSON line with the figures and its own usage.
 * Usage: node --import tsx bench/lib/ceiling/append-loop.ts DIR SIZE COUNT WINDOW FSYNC
 */
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Histogram } from '../histogram.js';

const [dir, size, count, window, fsync] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5]), process.argv[6]];
const file = join(dir, 'append.log');
const block = Buffer.alloc(size * window, 0x61);
const latency = new Histogram();
const fd = openSync(file, 'w');
const cpuBefore = process.cpuUsage();
const started = performance.now();
for (let written = 0; written < count; ) {
  const n = Math.min(window, count - written);
  const windowStart = performance.now();
  writeSync(fd, block, 0, n * size);
  if (fsync === 'batch') fdatasyncSync(fd);
  latency.recordMillis(performance.now() - windowStart, n);
  written += n;
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
closeSync(fd);
rmSync(file, { force: true });
console.log(
  JSON.stringify({
    messages: count,
    bytes: count * size,
    seconds,
    latency: latency.summaryMillis(),
    usage: { cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssBytes: process.resourceUsage().maxRSS * 1024 },
  }),
);
