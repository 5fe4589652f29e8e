import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { QueueBroker } from '../../../src/core/queues/index.js';
import { openFileStore, tempDataDir } from './helpers.js';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

/** Runs the child until it has confirmed `atLeast` messages, kills it, and returns the confirmed numbers. */
function publishUntilKilled(dir: string, start: number, atLeast: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(start)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const confirmed: number[] = [];
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) confirmed.push(Number(line));
      if (confirmed.length >= atLeast) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', () => resolve(confirmed));
  });
}

describe('crash', () => {
  it('every confirmed persistent message survives SIGKILL, in order', async () => {
    const { dir, cleanup } = await tempDataDir();
    try {
      let next = 0;
      const confirmed: number[] = [];
      for (let cycle = 0; cycle < 2; cycle++) {
        const got = await publishUntilKilled(dir, next, 200);
        confirmed.push(...got);
        next += 100_000;
      }
      const store = await openFileStore(dir);
      const broker = await QueueBroker.open(store);
      const session = broker.openSession('/', 'after');
      const recovered: number[] = [];
      for (let d = await session.get('crash', true); d; d = await session.get('crash', true)) recovered.push(Number(d.body.toString()));
      await broker.close();
      await store.close();
      const present = new Set(recovered);
      assert.deepEqual(confirmed.filter((n) => !present.has(n)), []);
      assert.deepEqual(recovered, [...recovered].sort((a, b) => a - b));
    } finally {
      await cleanup();
    }
  });
});
