import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BrokerError } from '../../../src/core/errors.js';
import { OP_APPEND, OP_DELETE, OP_SET, OP_SUBTRACT } from '../../../src/core/streams/index.js';
import { batchOf, FileBrokerDir, memoryBroker, readAll } from './helpers.js';

function rejectsWith(name: string): (err: unknown) => boolean {
  return (err) => err instanceof BrokerError && err.errorName === name;
}

test('topic names follow Kafka rules', async () => {
  const { broker } = await memoryBroker();
  for (const bad of ['', '.', '..', 'a/b', 'space name', 'x'.repeat(250), 'ünïcode']) {
    await assert.rejects(broker.createTopic(bad, 1), rejectsWith('INVALID_TOPIC_EXCEPTION'), bad);
  }
  await broker.createTopic('ok.name_with-chars.1', 1);
  await assert.rejects(broker.createTopic('ok_name_with-chars_1', 1), rejectsWith('INVALID_TOPIC_EXCEPTION'));
  await assert.rejects(broker.createTopic('ok.name_with-chars.1', 1), rejectsWith('TOPIC_ALREADY_EXISTS'));
  await assert.rejects(broker.createTopic('zero', 0), rejectsWith('INVALID_PARTITIONS'));
  await broker.createTopic('validated', 2, {}, true);
  assert.equal(broker.describeTopic('validated'), undefined);
  await broker.close();
});

test('create, grow and delete topics; deleted topics lose their data and offsets', async () => {
  const { broker } = await memoryBroker();
  const created = await broker.createTopic('grow', 1);
  assert.match(created.topicId, /^[0-9a-f-]{36}$/);
  await broker.createPartitions('grow', 4);
  assert.equal(broker.describeTopic('grow')?.partitions, 4);
  await assert.rejects(broker.createPartitions('grow', 2), rejectsWith('INVALID_PARTITIONS'));
  await broker.produce('grow', 3, batchOf([{ value: 'v' }]));
  await broker.groups.offsetCommit({ groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'grow', partitions: [{ partition: 3, offset: 1, leaderEpoch: -1, metadata: null }] }] });
  await broker.deleteTopic('grow');
  assert.equal(broker.describeTopic('grow'), undefined);
  await assert.rejects(broker.deleteTopic('grow'), rejectsWith('UNKNOWN_TOPIC_OR_PARTITION'));
  assert.equal(broker.groups.offsetFetch('g', [{ name: 'grow', partitions: [3] }]).topics[0].partitions[0].offset, -1);
  await broker.createTopic('grow', 1);
  assert.deepEqual(await readAll(broker, 'grow'), []);
  await broker.close();
});

test('configs: defaults, overrides, validation, alter and incremental alter', async () => {
  const { broker } = await memoryBroker({ topicConfigDefaults: { 'retention.bytes': '1000000' } });
  await broker.createTopic('cfg', 1, { 'retention.ms': '3600000', 'min.insync.replicas': '2' });
  const byName = (entries: { name: string; value: string | null; isDefault: boolean; source: number }[]) => new Map(entries.map((e) => [e.name, e]));
  let configs = byName(broker.describeConfigs('cfg'));
  assert.equal(configs.get('retention.ms')?.value, '3600000');
  assert.equal(configs.get('retention.ms')?.source, 1);
  assert.equal(configs.get('retention.bytes')?.value, '1000000');
  assert.equal(configs.get('retention.bytes')?.source, 4);
  assert.equal(configs.get('cleanup.policy')?.value, 'delete');
  assert.equal(configs.get('cleanup.policy')?.isDefault, true);
  assert.deepEqual(broker.describeConfigs('cfg', ['segment.bytes']).map((e) => e.value), ['1073741824']);
  await assert.rejects(broker.createTopic('bad-cfg', 1, { 'no.such.config': '1' }), rejectsWith('INVALID_CONFIG'));
  await assert.rejects(broker.createTopic('bad-cfg', 1, { 'retention.ms': 'soon' }), rejectsWith('INVALID_CONFIG'));
  await assert.rejects(broker.createTopic('bad-cfg', 1, { 'cleanup.policy': 'shred' }), rejectsWith('INVALID_CONFIG'));
  await broker.alterConfigs('cfg', { 'max.message.bytes': '5000' });
  configs = byName(broker.describeConfigs('cfg'));
  assert.equal(configs.get('max.message.bytes')?.value, '5000');
  assert.equal(configs.get('retention.ms')?.isDefault, true, 'alterConfigs replaces every override');
  await broker.incrementalAlterConfigs('cfg', [
    { name: 'cleanup.policy', op: OP_APPEND, value: 'compact' },
    { name: 'segment.ms', op: OP_SET, value: '60000' },
    { name: 'max.message.bytes', op: OP_DELETE, value: null },
  ]);
  configs = byName(broker.describeConfigs('cfg'));
  assert.equal(configs.get('cleanup.policy')?.value, 'delete,compact');
  assert.equal(configs.get('segment.ms')?.value, '60000');
  assert.equal(configs.get('max.message.bytes')?.isDefault, true);
  await broker.incrementalAlterConfigs('cfg', [{ name: 'cleanup.policy', op: OP_SUBTRACT, value: 'delete' }]);
  assert.equal(byName(broker.describeConfigs('cfg')).get('cleanup.policy')?.value, 'compact');
  await assert.rejects(broker.incrementalAlterConfigs('cfg', [{ name: 'retention.ms', op: OP_APPEND, value: '1' }]), rejectsWith('INVALID_CONFIG'));
  assert.throws(() => broker.describeConfigs('missing'), rejectsWith('UNKNOWN_TOPIC_OR_PARTITION'));
  await broker.close();
});

test('topics, configs and data survive a restart on the file store', async () => {
  const dir = await FileBrokerDir.create();
  try {
    let broker = await dir.open();
    const created = await broker.createTopic('durable', 2, { 'retention.ms': '86400000' });
    await broker.produce('durable', 1, batchOf([{ key: 'k', value: 'kept' }]));
    await broker.createPartitions('durable', 3);
    await broker.createTopic('gone', 1);
    await broker.deleteTopic('gone');
    await dir.stop(broker);
    broker = await dir.open();
    assert.deepEqual(broker.describeTopic('durable'), { ...created, partitions: 3 });
    assert.equal(broker.describeTopic('gone'), undefined);
    assert.equal(broker.describeConfigs('durable', ['retention.ms'])[0].value, '86400000');
    assert.deepEqual((await readAll(broker, 'durable', 1)).map((r) => r.value), ['kept']);
    assert.equal((await broker.produce('durable', 1, batchOf([{ value: 'next' }]))).baseOffset, 1);
    await dir.stop(broker);
  } finally {
    await dir.remove();
  }
});
