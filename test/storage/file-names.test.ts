import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeLogName, encodeLogName, parseSegmentFileName, segmentFileName } from '../../src/storage/file/names.js';
import { OFFSET_INDEX_FORMAT, SparseIndex, TIME_INDEX_FORMAT } from '../../src/storage/file/sparse-index.js';

test('log names round-trip through safe directory names', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }), (name) => {
      const dir = encodeLogName(name);
      assert.match(dir, /^(?:[A-Za-z0-9_-]|%[0-9A-F]{2})(?:[A-Za-z0-9._-]|%[0-9A-F]{2})*$/);
      assert.equal(decodeLogName(dir), name);
    }),
  );
  for (const name of ['.', '..', '.hidden', 'a/b', 'x\0y']) assert.ok(!/^\.|\/|\0/.test(encodeLogName(name)));
  assert.equal(decodeLogName('.deleting-123'), undefined);
  assert.equal(decodeLogName('a%2f'), undefined, 'lower-case escapes are not ours');
  assert.throws(() => encodeLogName(''), RangeError);
  assert.throws(() => encodeLogName('x'.repeat(300)), RangeError);
});

test('segment file names sort by base offset and parse back', () => {
  fc.assert(
    fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), fc.nat({ max: Number.MAX_SAFE_INTEGER }), (a, b) => {
      const [na, nb] = [segmentFileName(a, '.log'), segmentFileName(b, '.log')];
      assert.equal(parseSegmentFileName(na), a);
      assert.equal(Math.sign(na.localeCompare(nb)), Math.sign(a - b));
    }),
  );
  assert.equal(parseSegmentFileName('00000000000000000001.index'), undefined);
});

test('sparse indexes serialize, parse and answer floor lookups like a linear search', () => {
  const entries = fc
    .uniqueArray(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 50 })
    .map((keys) => keys.sort((a, b) => a - b).map((key, i) => [key, i * 10] as const));
  fc.assert(
    fc.property(entries, fc.integer({ min: -1, max: 0xffffffff }), (pairs, probe) => {
      for (const format of [OFFSET_INDEX_FORMAT, TIME_INDEX_FORMAT]) {
        const index = new SparseIndex();
        for (const [key, value] of pairs) index.add(key, value);
        const parsed = SparseIndex.parse(index.serialize(format), format)!;
        assert.equal(parsed.length, pairs.length);
        let expected = -1;
        pairs.forEach(([key], i) => {
          if (key <= probe) expected = i;
        });
        assert.equal(parsed.floor(probe), expected);
        if (expected >= 0) assert.equal(parsed.valueAt(expected), pairs[expected][1]);
      }
    }),
  );
  assert.equal(SparseIndex.parse(Buffer.alloc(7), OFFSET_INDEX_FORMAT), undefined, 'partial entry');
  const unordered = Buffer.alloc(16);
  unordered.writeUInt32BE(5, 0);
  unordered.writeUInt32BE(3, 8);
  assert.equal(SparseIndex.parse(unordered, OFFSET_INDEX_FORMAT), undefined, 'keys must increase');
});
