import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockDataDir } from '../src/data-dir-lock.js';
import { Broker } from '../src/broker.js';

describe('data directory lock', () => {
  it('refuses a second broker of the same process and frees the directory on close', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-lock-'));
    try {
      const first = await Broker.start({ dataDir });
      await assert.rejects(Broker.start({ dataDir }), /in use by another broker of this process/);
      await first.close();
      const again = await Broker.start({ dataDir });
      await again.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('takes over a lock left by a process that is gone, and refuses one it cannot read', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-lock-'));
    try {
      await writeFile(join(dataDir, '.lock'), '2147483646');
      const lock = await lockDataDir(dataDir);
      assert.equal(await readFile(join(dataDir, '.lock'), 'utf8'), String(process.pid));
      await lock.release();
      await writeFile(join(dataDir, '.lock'), 'garbage');
      await assert.rejects(lockDataDir(dataDir), /names no process/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
