// kafka-python 2.0.2 and confluent-kafka (librdkafka) from /usr/bin/python3 against the broker.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pythonModuleAvailable, runPythonClient, startKafkaBroker, type KafkaTestBroker } from './kafka-support/broker.js';

const skipKafkaPython = pythonModuleAvailable('kafka') ? false : 'python3-kafka (kafka-python) is not installed';
const skipConfluent = pythonModuleAvailable('confluent_kafka') ? false : 'python3-confluent-kafka is not installed';

let broker: KafkaTestBroker;
before(async () => {
  broker = await startKafkaBroker();
});
after(async () => {
  await broker.close();
});

type Produced = { offsets: number[] };
type Consumed = { values: string[]; committed: number };

test('kafka-python produces, consumes in a group and commits', { skip: skipKafkaPython }, async () => {
  const bootstrap = broker.brokers[0];
  const produced = await runPythonClient<Produced>('kafka_python_client.py', ['produce', bootstrap, 'py-orders', '12']);
  assert.deepEqual(produced.offsets, Array.from({ length: 12 }, (_, i) => i));
  const consumed = await runPythonClient<Consumed>('kafka_python_client.py', ['consume', bootstrap, 'py-orders', 'py-group', '12']);
  assert.deepEqual(consumed.values, Array.from({ length: 12 }, (_, i) => `python-${i}`));
  assert.equal(consumed.committed, 12);
  const listed = await runPythonClient<{ topics: string[] }>('kafka_python_client.py', ['topics', bootstrap]);
  assert.ok(listed.topics.includes('py-orders'));
});

test('confluent-kafka produces idempotently, consumes in a group and commits', { skip: skipConfluent }, async () => {
  const bootstrap = broker.brokers[0];
  const produced = await runPythonClient<Produced>('confluent_client.py', ['produce', bootstrap, 'rd-orders', '12']);
  assert.deepEqual(produced.offsets, Array.from({ length: 12 }, (_, i) => i));
  const consumed = await runPythonClient<Consumed>('confluent_client.py', ['consume', bootstrap, 'rd-orders', 'rd-group', '12']);
  assert.deepEqual(consumed.values, Array.from({ length: 12 }, (_, i) => `rdkafka-${i}`));
  assert.equal(consumed.committed, 12);
  const meta = await runPythonClient<{ brokers: string[]; topics: string[] }>('confluent_client.py', ['metadata', bootstrap]);
  assert.deepEqual(meta.brokers, [bootstrap]);
  assert.ok(meta.topics.includes('rd-orders'));
});

test('kafka-python reads what confluent-kafka wrote', { skip: skipKafkaPython || skipConfluent }, async () => {
  const bootstrap = broker.brokers[0];
  await runPythonClient<Produced>('confluent_client.py', ['produce', bootstrap, 'mixed', '5']);
  const consumed = await runPythonClient<Consumed>('kafka_python_client.py', ['consume', bootstrap, 'mixed', 'mixed-group', '5']);
  assert.deepEqual(consumed.values, Array.from({ length: 5 }, (_, i) => `rdkafka-${i}`));
});
