// kcat (librdkafka) against the broker: metadata, produce, consume, and a consumer group.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { run, startKafkaBroker, toolAvailable, type KafkaTestBroker } from './kafka-support/broker.js';

const skip = toolAvailable('kcat') ? false : 'kcat is not installed';
let broker: KafkaTestBroker;
let bootstrap: string;

before(async () => {
  if (skip) return;
  broker = await startKafkaBroker();
  bootstrap = broker.brokers[0];
});
after(async () => {
  await broker?.close();
});

test('kcat produces keyed messages and reads them back in order', { skip }, async () => {
  const lines = Array.from({ length: 20 }, (_, i) => `key${i % 4}:value-${i}`).join('\n');
  await run('kcat', ['-b', bootstrap, '-P', '-t', 'kcat-orders', '-K', ':'], { input: `${lines}\n` });
  const out = await run('kcat', ['-b', bootstrap, '-C', '-t', 'kcat-orders', '-o', 'beginning', '-e', '-q', '-f', '%k=%s@%o\\n']);
  const seen = out.trim().split('\n');
  assert.equal(seen.length, 20);
  assert.deepEqual(seen.map((l) => l.split('@')[0]), Array.from({ length: 20 }, (_, i) => `key${i % 4}=value-${i}`));
  assert.deepEqual(seen.map((l) => Number(l.split('@')[1])), Array.from({ length: 20 }, (_, i) => i));
});

test('kcat -L lists this broker and the topic', { skip }, async () => {
  await run('kcat', ['-b', bootstrap, '-P', '-t', 'kcat-meta'], { input: 'x\n' });
  const out = await run('kcat', ['-b', bootstrap, '-L', '-t', 'kcat-meta', '-J']);
  const meta = JSON.parse(out) as { brokers: { name: string }[]; topics: { topic: string; partitions: { leader: number }[] }[] };
  assert.deepEqual(meta.brokers.map((b) => b.name), [bootstrap]);
  assert.equal(meta.topics[0].topic, 'kcat-meta');
  assert.equal(meta.topics[0].partitions[0].leader, 0);
});

test('kcat reads from an offset and from the end', { skip }, async () => {
  await run('kcat', ['-b', bootstrap, '-P', '-t', 'kcat-offsets'], { input: 'a\nb\nc\nd\n' });
  const fromTwo = await run('kcat', ['-b', bootstrap, '-C', '-t', 'kcat-offsets', '-o', '2', '-e', '-q']);
  assert.deepEqual(fromTwo.trim().split('\n'), ['c', 'd']);
  const lastOne = await run('kcat', ['-b', bootstrap, '-C', '-t', 'kcat-offsets', '-o', '-1', '-e', '-q']);
  assert.deepEqual(lastOne.trim().split('\n'), ['d']);
});

test('kcat consumes as a balanced consumer group and commits', { skip }, async () => {
  await run('kcat', ['-b', bootstrap, '-P', '-t', 'kcat-group'], { input: 'g1\ng2\ng3\n' });
  const out = await run('kcat', ['-b', bootstrap, '-G', 'kcat-consumers', '-o', 'beginning', '-e', '-q', 'kcat-group'], { timeoutMs: 60_000 });
  assert.deepEqual(out.trim().split('\n'), ['g1', 'g2', 'g3']);
});
