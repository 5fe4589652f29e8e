// SASL PLAIN and SCRAM-SHA-256 on a listener that requires authentication, with kafkajs,
// librdkafka (confluent-kafka) and kafka-python; bad credentials and unauthenticated requests are refused.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import type { SASLOptions } from 'kafkajs';
import { kafkajsClient, pythonModuleAvailable, runPythonClient, startKafkaListener, type KafkaTestBroker } from './kafka-support/broker.js';

const skipConfluent = pythonModuleAvailable('confluent_kafka') ? false : 'python3-confluent-kafka is not installed';
const skipKafkaPython = pythonModuleAvailable('kafka') ? false : 'python3-kafka (kafka-python) is not installed';
let broker: KafkaTestBroker;

before(async () => {
  broker = await startKafkaListener({ saslUsers: [{ username: 'alice', password: 'wonder-land' }] });
});
after(async () => {
  await broker.close();
});

async function roundTrip(sasl: SASLOptions, topic: string): Promise<string[]> {
  const kafka = kafkajsClient(broker.brokers, { sasl, retry: { retries: 0 } });
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ value: 'secret-1' }, { value: 'secret-2' }] });
  } finally {
    await producer.disconnect();
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchTopicOffsets(topic);
    return [offsets.low, offsets.high];
  } finally {
    await admin.disconnect();
  }
}

test('kafkajs authenticates with PLAIN', async () => {
  assert.deepEqual(await roundTrip({ mechanism: 'plain', username: 'alice', password: 'wonder-land' }, 'plain-topic'), ['0', '2']);
});

test('kafkajs authenticates with SCRAM-SHA-256', async () => {
  assert.deepEqual(await roundTrip({ mechanism: 'scram-sha-256', username: 'alice', password: 'wonder-land' }, 'scram-topic'), ['0', '2']);
});

test('wrong passwords are refused for both mechanisms', async () => {
  await assert.rejects(roundTrip({ mechanism: 'plain', username: 'alice', password: 'nope' }, 'x'), /authentication|SASL/i);
  await assert.rejects(roundTrip({ mechanism: 'scram-sha-256', username: 'alice', password: 'nope' }, 'x'), /authentication|SASL|credentials/i);
  await assert.rejects(roundTrip({ mechanism: 'scram-sha-256', username: 'mallory', password: 'wonder-land' }, 'x'), /authentication|SASL|credentials/i);
});

test('a request before authentication closes the connection', async () => {
  const [host, port] = broker.brokers[0].split(':');
  // Metadata v1 for all topics (null array), correlation id 1, client id "x".
  const request = Buffer.from('0000000f' + '0003' + '0001' + '00000001' + '0001' + '78' + 'ffffffff', 'hex');
  const received = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), host, () => socket.write(request));
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
  assert.equal(received.length, 0);
});

test('confluent-kafka (librdkafka) authenticates with PLAIN and SCRAM-SHA-256', { skip: skipConfluent }, async () => {
  for (const mechanism of ['PLAIN', 'SCRAM-SHA-256']) {
    const env = { SASL_MECHANISM: mechanism, SASL_USERNAME: 'alice', SASL_PASSWORD: 'wonder-land' };
    const topic = `rd-${mechanism.toLowerCase()}`;
    const produced = await runPythonClient<{ offsets: number[] }>('confluent_client.py', ['produce', broker.brokers[0], topic, '3'], env);
    assert.deepEqual(produced.offsets, [0, 1, 2], mechanism);
  }
});

test('kafka-python authenticates with PLAIN and SCRAM-SHA-256', { skip: skipKafkaPython }, async () => {
  for (const mechanism of ['PLAIN', 'SCRAM-SHA-256']) {
    const env = { SASL_MECHANISM: mechanism, SASL_USERNAME: 'alice', SASL_PASSWORD: 'wonder-land' };
    const topic = `py-${mechanism.toLowerCase()}`;
    const produced = await runPythonClient<{ offsets: number[] }>('kafka_python_client.py', ['produce', broker.brokers[0], topic, '3'], env);
    assert.deepEqual(produced.offsets, [0, 1, 2], mechanism);
  }
});

test('before authentication a large request closes the connection, after it the usual limit applies', async () => {
  const [host, port] = broker.brokers[0].split(':');
  // A size prefix of 1 MiB: over the pre-authentication limit, so the broker must not wait to buffer it.
  const closedBy = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), host, () => socket.write(Buffer.from([0x00, 0x10, 0x00, 0x00, 0x00, 0x12])));
    socket.on('error', reject);
    socket.on('close', () => resolve('closed'));
  });
  assert.equal(closedBy, 'closed');
  const kafka = kafkajsClient(broker.brokers, { sasl: { mechanism: 'plain', username: 'alice', password: 'wonder-land' }, retry: { retries: 0 } });
  const producer = kafka.producer();
  await producer.connect();
  try {
    const [result] = await producer.send({ topic: 'large-after-login', messages: [{ value: Buffer.alloc(700 * 1024, 7) }] });
    assert.equal(result.errorCode, 0);
  } finally {
    await producer.disconnect();
  }
});
