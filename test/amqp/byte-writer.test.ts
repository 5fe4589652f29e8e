import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteWriter } from '../../src/amqp/codec/index.js';

test('small takes after a large one allocate in proportion to what is written, not to the largest output', () => {
  const w = new ByteWriter();
  const buffers = new Set<Buffer>([w.buf]);
  let written = 0;
  const write = (bytes: number) => {
    w.room(bytes);
    w.bytes(Buffer.alloc(bytes, 1));
    buffers.add(w.buf);
    written += bytes;
    assert.equal(w.take().length, bytes);
    buffers.add(w.buf);
  };
  write(300_000);
  for (let i = 0; i < 500; i++) write(20);
  const allocated = [...buffers].reduce((sum, b) => sum + b.length, 0);
  assert.ok(allocated <= 4 * written + 64 * 1024, `allocated ${allocated} bytes to write ${written}`);
});

test('positions taken before the buffer grows stay valid for back-patching', () => {
  const w = new ByteWriter();
  w.bytes(Buffer.alloc(15_000, 2));
  w.take();
  const at = w.reserve(4);
  w.bytes(Buffer.alloc(10_000, 3));
  w.buf.writeUInt32BE(10_000, at);
  const out = w.take();
  assert.equal(out.length, 10_004);
  assert.equal(out.readUInt32BE(0), 10_000);
  assert.ok(out.subarray(4).every((b) => b === 3));
});

test('a buffer grown by a burst is let go at the next take', () => {
  const w = new ByteWriter();
  w.room(300_000);
  w.bytes(Buffer.alloc(300_000));
  w.take();
  assert.ok(w.buf.length <= 64 * 1024, `kept ${w.buf.length} bytes`);
});
