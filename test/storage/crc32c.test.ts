import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { crc32c } from '../../src/storage/crc32c.js';

/** Bit-at-a-time reference implementation, independent of the sliced tables. */
function referenceCrc32c(buf: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

test('crc32c matches published check values', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  assert.equal(crc32c(Buffer.alloc(0)), 0);
  assert.equal(crc32c(Buffer.alloc(32, 0x00)), 0x8a9136aa);
  assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43);
  assert.equal(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i))), 0x46dd794e);
});

test('crc32c agrees with a bitwise reference on any bytes and any range', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (bytes, a, b) => {
      const start = bytes.length === 0 ? 0 : a % (bytes.length + 1);
      const end = start + (b % (bytes.length - start + 1));
      assert.equal(crc32c(bytes, start, end), referenceCrc32c(bytes.subarray(start, end)));
    }),
  );
});

test('crc32c is the same wherever the bytes sit in memory (aligned or not)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 64, maxLength: 2000 }), fc.integer({ min: 0, max: 7 }), (bytes, shift) => {
      const backing = new Uint8Array(bytes.length + shift);
      const view = backing.subarray(shift);
      view.set(bytes);
      assert.equal(crc32c(view), referenceCrc32c(bytes));
      assert.equal(crc32c(view, 1, view.length - 1), referenceCrc32c(bytes.subarray(1, bytes.length - 1)));
    }),
    { numRuns: 200 },
  );
});
