import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StateLog } from '../../../src/core/streams/state-log.js';
import { MemoryLogStore } from '../../../src/storage/memory-store.js';

test('a state log replays the last value of every key and forgets deleted keys', async () => {
  const store = new MemoryLogStore();
  const log = await StateLog.open<{ n: number }>(store, 'state');
  await log.write([['a', { n: 1 }], ['b', { n: 2 }]]);
  await log.write([['a', { n: 3 }], ['b', null], ['c', { n: 4 }]]);
  await log.close();
  const replayed = await StateLog.open<{ n: number }>(store, 'state');
  assert.deepEqual([...replayed.entries], [['a', { n: 3 }], ['c', { n: 4 }]]);
  await replayed.close();
});

test('a snapshot rewrites the live entries and drops the log prefix, keeping the same state', async () => {
  const store = new MemoryLogStore();
  const log = await StateLog.open<number>(store, 'state');
  assert.equal(await log.snapshotIfNeeded(), false);
  for (let i = 0; i < 1500; i++) await log.write([[`k${i % 10}`, i]]);
  assert.equal(await log.snapshotIfNeeded(), true);
  const raw = await store.open('state');
  assert.equal(raw.highWatermark - raw.startOffset, 10);
  await log.write([['k0', -1]]);
  await log.close();
  const replayed = await StateLog.open<number>(store, 'state');
  assert.equal(replayed.entries.size, 10);
  assert.equal(replayed.entries.get('k0'), -1);
  assert.equal(replayed.entries.get('k9'), 1499);
  await replayed.close();
});
