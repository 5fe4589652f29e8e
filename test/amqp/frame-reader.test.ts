import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  AmqpProtocolError,
  FrameReader,
  FrameType,
  FrameWriter,
  MethodId,
  decodeMethod,
  readContentHeader,
  type BasicProperties,
  type Frame,
} from '../../src/amqp/codec/index.js';
import { fieldTable, shortstr } from './arbitraries.js';

/** Splits bytes into chunks at the given cut points. */
function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

function readAll(reader: FrameReader, chunks: Buffer[]): Frame[] {
  const frames: Frame[] = [];
  for (const chunk of chunks) {
    reader.push(chunk);
    let f: Frame | undefined;
    while ((f = reader.next()) !== undefined) frames.push(f);
  }
  return frames;
}

const properties: fc.Arbitrary<BasicProperties> = fc.record(
  {
    contentType: shortstr,
    headers: fieldTable,
    deliveryMode: fc.integer({ min: 1, max: 2 }),
    priority: fc.integer({ min: 0, max: 9 }),
    expiration: shortstr,
    timestamp: fc.maxSafeNat(),
    messageId: shortstr,
  },
  { requiredKeys: [], noNullPrototype: true },
);

const message = fc.record({ properties, body: fc.uint8Array({ maxLength: 20000 }).map((a) => Buffer.from(a)), routingKey: shortstr });

/** Encodes the messages, taking the output after each message whose `takes` entry is true; checks no taken bytes were overwritten. */
function encodeMessages(messages: { properties: BasicProperties; body: Buffer; routingKey: string }[], frameMax: number, takes: boolean[] = []): Buffer {
  const writer = new FrameWriter(frameMax);
  const taken: Buffer[] = [];
  const copies: Buffer[] = [];
  const takeNow = () => {
    for (const part of writer.take()) {
      taken.push(part);
      copies.push(Buffer.from(part));
    }
  };
  messages.forEach((m, i) => {
    writer.content(1, { id: MethodId.BasicPublish, args: { ticket: 0, exchange: 'x', routingKey: m.routingKey, mandatory: false, immediate: false } }, m.properties, m.body);
    writer.heartbeat();
    if (takes[i]) takeNow();
  });
  takeNow();
  taken.forEach((part, i) => assert.deepStrictEqual(part, copies[i], 'bytes already taken were overwritten'));
  return Buffer.concat(taken);
}

test('content written by FrameWriter, taken at any points, reads back identically however the stream is chunked', () => {
  fc.assert(
    fc.property(fc.array(message, { maxLength: 8 }), fc.array(fc.boolean()), fc.array(fc.nat(), { maxLength: 10 }), fc.integer({ min: 4096, max: 20000 }), (messages, takes, cuts, frameMax) => {
      const bytes = encodeMessages(messages, frameMax, takes);
      const frames = readAll(new FrameReader(frameMax), chunked(bytes, cuts));
      let i = 0;
      for (const m of messages) {
        const method = decodeMethod(frames[i++]!.payload);
        assert.equal(method.id, MethodId.BasicPublish);
        const header = readContentHeader(frames[i++]!.payload);
        assert.deepStrictEqual(header.properties, m.properties);
        assert.equal(header.bodySize, m.body.length);
        const parts: Buffer[] = [];
        while (frames[i]!.type === FrameType.BODY) {
          assert.ok(frames[i]!.payload.length + 8 <= frameMax);
          parts.push(frames[i++]!.payload);
        }
        assert.deepStrictEqual(Buffer.concat(parts), m.body);
        assert.equal(frames[i++]!.type, FrameType.HEARTBEAT);
      }
      assert.equal(i, frames.length);
    }),
    { numRuns: 100 },
  );
});

test('a frame that arrives in one chunk is a view of that chunk, not a copy', () => {
  const bytes = encodeMessages([{ properties: {}, body: Buffer.alloc(5000, 7), routingKey: 'k' }], 131072);
  const reader = new FrameReader(131072);
  const frames = readAll(reader, [bytes]);
  const body = frames[2]!;
  assert.equal(body.type, FrameType.BODY);
  assert.equal(body.payload.buffer, bytes.buffer);
});

test('frames over frame_max, unknown frame types and bad end octets are 501 errors', () => {
  const big = encodeMessages([{ properties: {}, body: Buffer.alloc(10000), routingKey: 'k' }], 131072);
  assert.throws(() => readAll(new FrameReader(4096), [big]), (e: unknown) => e instanceof AmqpProtocolError && e.replyCode === 501);
  const unknownType = Buffer.from([9, 0, 0, 0, 0, 0, 0, 0xce]);
  assert.throws(() => readAll(new FrameReader(4096), [unknownType]), (e: unknown) => e instanceof AmqpProtocolError && e.replyCode === 501);
  const badEnd = Buffer.from([8, 0, 0, 0, 0, 0, 0, 0xcd]);
  assert.throws(() => readAll(new FrameReader(4096), [badEnd]), (e: unknown) => e instanceof AmqpProtocolError && e.replyCode === 501);
});

/** Feeds bytes through the reader and decodes every frame as a server would; returns what was thrown, if anything. */
function decodeEverything(bytes: Buffer, cuts: number[]): unknown {
  try {
    for (const frame of readAll(new FrameReader(8192), chunked(bytes, cuts))) {
      if (frame.type === FrameType.METHOD) decodeMethod(frame.payload);
      else if (frame.type === FrameType.HEADER) readContentHeader(frame.payload);
    }
  } catch (error) {
    return error;
  }
  return undefined;
}

test('fuzz: random bytes only ever yield frames or AmqpProtocolError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 5 }), (noise, cuts) => {
      const error = decodeEverything(Buffer.from(noise), cuts);
      assert.ok(error === undefined || error instanceof AmqpProtocolError, String(error));
    }),
    { numRuns: 2000 },
  );
});

test('fuzz: mutated valid streams only ever yield frames or AmqpProtocolError', () => {
  const mutation = fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) });
  fc.assert(
    fc.property(fc.array(message, { minLength: 1, maxLength: 2 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 4 }), (messages, mutations, cuts) => {
      const bytes = Buffer.from(encodeMessages(messages, 8192));
      for (const { at, value } of mutations) bytes[at % bytes.length] = value;
      const error = decodeEverything(bytes, cuts);
      assert.ok(error === undefined || error instanceof AmqpProtocolError, String(error));
    }),
    { numRuns: 500 },
  );
});
