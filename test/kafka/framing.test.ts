// Framing: frames split at any byte boundary are reassembled; out-of-range sizes are refused;
// responses completed out of order are released in request order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { KafkaProtocolError } from '../../src/kafka/codec/protocol-error.js';
import { FrameReader } from '../../src/kafka/frame-reader.js';
import { ResponseQueue } from '../../src/kafka/response-queue.js';

function framed(payloads: Uint8Array[]): Buffer {
  return Buffer.concat(
    payloads.flatMap((p) => {
      const size = Buffer.alloc(4);
      size.writeInt32BE(p.length);
      return [size, Buffer.from(p)];
    }),
  );
}

test('frames survive any chunking of the stream', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 6 }), fc.array(fc.nat({ max: 50 }), { maxLength: 10 }), (payloads, cuts) => {
      const stream = framed(payloads);
      const reader = new FrameReader(1000);
      const out: Buffer[] = [];
      let at = 0;
      for (const cut of cuts) {
        const end = Math.min(stream.length, at + cut);
        out.push(...reader.push(stream.subarray(at, end)));
        at = end;
      }
      out.push(...reader.push(stream.subarray(at)));
      assert.deepEqual(out.map((b) => Buffer.from(b)), payloads.map((p) => Buffer.from(p)));
    }),
  );
});

test('a size above the limit or below zero is a protocol error', () => {
  assert.throws(() => new FrameReader(100).push(Buffer.from([0, 0, 0, 101])), KafkaProtocolError);
  assert.throws(() => new FrameReader(100).push(Buffer.from([0xff, 0xff, 0xff, 0xff])), KafkaProtocolError);
  assert.deepEqual(new FrameReader(100).push(Buffer.from([0, 0, 0, 100])), [], 'a frame at the limit is awaited');
});

test('responses are released in the order their requests arrived', () => {
  const sent: string[] = [];
  const queue = new ResponseQueue((data) => sent.push(Buffer.concat(data).toString()));
  const first = queue.reserve();
  const second = queue.reserve();
  const third = queue.reserve();
  third([Buffer.from('c')]);
  second(null);
  assert.deepEqual(sent, []);
  first([Buffer.from('a'), Buffer.from('b')]);
  assert.deepEqual(sent, ['ab', 'c']);
  assert.equal(queue.pending, 0);
});
