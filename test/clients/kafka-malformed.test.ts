// Garbage on one connection closes that connection only; the broker keeps serving other clients.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { kafkajsClient, startKafkaBroker, type KafkaTestBroker } from './kafka-support/broker.js';

let broker: KafkaTestBroker;
before(async () => {
  broker = await startKafkaBroker();
});
after(async () => {
  await broker.close();
});

/** Opens a raw socket, writes `bytes`, and resolves with what came back once the broker closes it. */
function sendRaw(bytes: Buffer): Promise<{ closed: boolean; received: Buffer }> {
  const [host, port] = broker.brokers[0].split(':');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket: Socket = connect(Number(port), host, () => socket.write(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closed: false, received: Buffer.concat(chunks) });
    }, 5000);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ closed: true, received: Buffer.concat(chunks) });
    });
  });
}

function frame(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** A request header v1 (api key, version, correlation id, client id "x") followed by `body`. */
function request(apiKey: number, version: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.from([0, 0, 0, 0, 0, 0, 0, 7, 0, 1, 0x78]);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(version, 2);
  return frame(Buffer.concat([header, body]));
}

async function assertOtherClientsWork(): Promise<void> {
  const admin = kafkajsClient(broker.brokers).admin();
  await admin.connect();
  try {
    assert.ok(Array.isArray(await admin.listTopics()));
  } finally {
    await admin.disconnect();
  }
}

test('a size prefix above the request limit closes the connection', async () => {
  const { closed, received } = await sendRaw(Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3]));
  assert.ok(closed);
  assert.equal(received.length, 0);
  await assertOtherClientsWork();
});

test('a negative size prefix closes the connection', async () => {
  assert.ok((await sendRaw(Buffer.from([0xff, 0xff, 0xff, 0xfe]))).closed);
  await assertOtherClientsWork();
});

test('an unknown API key closes the connection', async () => {
  assert.ok((await sendRaw(request(9999, 0))).closed);
  await assertOtherClientsWork();
});

test('an unsupported version of a known API closes the connection', async () => {
  assert.ok((await sendRaw(request(3, 999))).closed);
});

test('random garbage closes the connection without answering', async () => {
  const garbage = Buffer.from('GET / HTTP/1.1\r\nHost: example\r\n\r\n');
  const { closed, received } = await sendRaw(garbage);
  assert.ok(closed);
  assert.equal(received.length, 0);
  await assertOtherClientsWork();
});

test('a truncated body (count larger than the bytes) closes the connection', async () => {
  // Metadata v1 whose topic array claims a million entries.
  assert.ok((await sendRaw(request(3, 1, Buffer.from([0x00, 0x0f, 0x42, 0x40, 0x00, 0x01])))).closed);
  await assertOtherClientsWork();
});

test('an ApiVersions of an unknown version is answered with UNSUPPORTED_VERSION in the v0 layout', async () => {
  const [host, port] = broker.brokers[0].split(':');
  const response = await new Promise<Buffer>((resolve, reject) => {
    const socket = connect(Number(port), host, () => socket.write(request(18, 99)));
    let data = Buffer.alloc(0);
    socket.on('data', (c) => {
      data = Buffer.concat([data, c]);
      if (data.length >= 4 && data.length >= 4 + data.readInt32BE(0)) {
        socket.destroy();
        resolve(data);
      }
    });
    socket.on('error', reject);
  });
  assert.equal(response.readInt32BE(4), 7, 'correlation id');
  assert.equal(response.readInt16BE(8), 35, 'UNSUPPORTED_VERSION');
  const count = response.readInt32BE(10);
  const keys = Array.from({ length: count }, (_, i) => response.readInt16BE(14 + i * 6));
  assert.ok(keys.includes(18) && keys.includes(0) && keys.includes(1), 'lists ApiVersions, Produce and Fetch');
  assert.equal(response.length, 14 + count * 6, 'v0 layout: no throttle time, no tagged fields');
});
