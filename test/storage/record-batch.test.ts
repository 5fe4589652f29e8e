import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { crc32c } from '../../src/storage/crc32c.js';
import {
  ATTR_CONTROL,
  ATTR_TRANSACTIONAL,
  BATCH_HEADER_BYTES,
  batchLastOffset,
  batchLastOffsetDelta,
  batchMaxTimestamp,
  batchTotalBytes,
  decodeRecords,
  encodeBatch,
  isWholeValidBatch,
  readBatchHeader,
  readVarint,
  splitBatches,
  verifyBatchCrc,
  writeBaseOffset,
  writeVarint,
  varintSize,
  type RecordInput,
} from '../../src/storage/record-batch.js';
import { StorageError } from '../../src/storage/types.js';

const bytes = fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a));
const nullableBytes = fc.option(bytes, { nil: null });
const timestamp = fc.integer({ min: 0, max: 2 ** 45 });
const record: fc.Arbitrary<RecordInput> = fc.record({
  key: nullableBytes,
  value: nullableBytes,
  headers: fc.array(
    fc.tuple(fc.string({ maxLength: 10 }), nullableBytes).map(([key, value]) => ({ key, value })),
    { maxLength: 3 },
  ),
  timestamp,
});
const records = fc.array(record, { minLength: 1, maxLength: 8 });
const batch = records.map((r) => encodeBatch(r));

/** Runs `fn` and asserts it either succeeds or throws a StorageError, nothing else. */
function onlyStorageErrors(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (err) {
    assert.ok(err instanceof StorageError, `unexpected ${String(err)}`);
    assert.equal(err.code, 'CORRUPT_BATCH');
    return false;
  }
}

test('encode then decode returns the same records, offsets and header fields', () => {
  fc.assert(
    fc.property(records, fc.integer({ min: 0, max: 2 ** 50 }), fc.integer({ min: -1, max: 2 ** 40 }), (input, baseOffset, producerId) => {
      const buf = encodeBatch(input, { baseOffset, producerId, producerEpoch: 3, baseSequence: 7, transactional: true });
      assert.ok(verifyBatchCrc(buf));
      const header = readBatchHeader(buf);
      assert.equal(batchTotalBytes(header), buf.length);
      assert.equal(header.baseOffset, baseOffset);
      assert.equal(header.producerId, producerId);
      assert.equal(header.producerEpoch, 3);
      assert.equal(header.baseSequence, 7);
      assert.equal(header.attributes & ATTR_TRANSACTIONAL, ATTR_TRANSACTIONAL);
      assert.equal(header.attributes & ATTR_CONTROL, 0);
      assert.equal(header.recordCount, input.length);
      assert.equal(batchLastOffset(header), baseOffset + input.length - 1);
      assert.equal(header.baseTimestamp, input[0].timestamp);
      assert.equal(header.maxTimestamp, Math.max(...input.map((r) => r.timestamp!)));
      const decoded = decodeRecords(buf);
      assert.deepEqual(
        decoded.map((r) => ({ ...r, key: r.key && Buffer.from(r.key), value: r.value && Buffer.from(r.value) })),
        input.map((r, i) => ({ offset: baseOffset + i, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers })),
      );
    }),
  );
});

test('writeBaseOffset rewrites the offset without touching the CRC', () => {
  fc.assert(
    fc.property(batch, fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (buf, offset) => {
      writeBaseOffset(buf, 0, offset);
      assert.equal(readBatchHeader(buf).baseOffset, offset);
      assert.ok(verifyBatchCrc(buf));
      assert.equal(decodeRecords(buf)[0].offset, offset);
    }),
  );
});

test('control batches carry the control bit', () => {
  const buf = encodeBatch([{ key: Buffer.from([0, 0, 0, 1]), value: Buffer.from([0, 0, 0, 0, 0, 5]) }], { control: true });
  assert.equal(readBatchHeader(buf).attributes & ATTR_CONTROL, ATTR_CONTROL);
});

test('every truncation of a batch is detected', () => {
  fc.assert(
    fc.property(batch, fc.nat(), (buf, cut) => {
      const short = buf.subarray(0, cut % buf.length);
      assert.equal(verifyBatchCrc(short), false);
      assert.equal(onlyStorageErrors(() => decodeRecords(short)), false);
      assert.equal(onlyStorageErrors(() => splitBatches(short)), short.length === 0);
    }),
  );
});

test('every bit flip inside the CRC-covered region or the length/magic fields is detected', () => {
  fc.assert(
    fc.property(batch, fc.nat(), fc.integer({ min: 0, max: 7 }), (buf, at, bit) => {
      const pos = 8 + (at % (buf.length - 8));
      if (pos >= 12 && pos < 16) return; // partitionLeaderEpoch is outside the CRC by design
      buf[pos] ^= 1 << bit;
      assert.equal(verifyBatchCrc(buf), false);
      onlyStorageErrors(() => decodeRecords(buf));
      onlyStorageErrors(() => splitBatches(buf));
    }),
  );
});

test('arbitrary bytes never crash the decoders with anything but CORRUPT_BATCH', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (raw) => {
      const buf = Buffer.from(raw);
      if (buf.length > 16) buf[16] = 2; // get past the magic check most of the time
      verifyBatchCrc(buf);
      onlyStorageErrors(() => readBatchHeader(buf));
      onlyStorageErrors(() => decodeRecords(buf));
      onlyStorageErrors(() => splitBatches(buf));
    }),
  );
});

/** The checks the append path made before isWholeValidBatch: header, exact length, CRC-32C. */
function acceptedByHeaderLengthAndCrc(buf: Buffer): boolean {
  try {
    return batchTotalBytes(readBatchHeader(buf)) === buf.length && verifyBatchCrc(buf);
  } catch {
    return false;
  }
}

test('isWholeValidBatch accepts exactly what the header, length and CRC checks accept', () => {
  const mutation = fc.record({
    field: fc.constantFrom(-1, 8, 16, 23, 57),
    value: fc.integer({ min: -3, max: 3 }),
    resealCrc: fc.boolean(),
    cut: fc.integer({ min: -3, max: 3 }),
    flip: fc.option(fc.nat(), { nil: undefined }),
  });
  fc.assert(
    fc.property(fc.array(record, { minLength: 1, maxLength: 3 }), mutation, (records, m) => {
      const batch = encodeBatch(records);
      const header = readBatchHeader(batch);
      assert.ok(isWholeValidBatch(batch));
      assert.equal(batchLastOffsetDelta(batch), header.lastOffsetDelta);
      assert.equal(batchMaxTimestamp(batch), header.maxTimestamp);
      let buf = Buffer.from(batch);
      if (m.field === 16) buf[16] = 2 + m.value;
      else if (m.field >= 0) buf.writeInt32BE(buf.readInt32BE(m.field) + m.value, m.field);
      if (m.resealCrc) buf.writeUInt32BE(crc32c(buf, 21, buf.length), 17);
      if (m.flip !== undefined) buf[m.flip % buf.length] ^= 0x10;
      buf = m.cut < 0 ? buf.subarray(0, buf.length + m.cut) : Buffer.concat([buf, Buffer.alloc(m.cut)]);
      assert.equal(isWholeValidBatch(buf), acceptedByHeaderLengthAndCrc(buf));
    }),
    { numRuns: 300 },
  );
});

test('decodeRecords refuses compressed batches and oversized record counts before allocating', () => {
  const buf = encodeBatch([{ key: null, value: Buffer.from('x'), timestamp: 1 }]);
  const compressed = Buffer.from(buf);
  compressed.writeInt16BE(1, 21);
  assert.throws(() => decodeRecords(compressed), { code: 'CORRUPT_BATCH' });
  const huge = Buffer.from(buf);
  huge.writeInt32BE(0x7fffffff, 57);
  assert.throws(() => decodeRecords(huge), { code: 'CORRUPT_BATCH' });
  assert.throws(() => readBatchHeader(buf.subarray(0, BATCH_HEADER_BYTES - 1)), { code: 'CORRUPT_BATCH' });
});

test('splitBatches returns each whole batch as a view', () => {
  fc.assert(
    fc.property(fc.array(batch, { minLength: 1, maxLength: 5 }), (batches) => {
      const parts = splitBatches(Buffer.concat(batches));
      assert.deepEqual(parts.map((p) => Buffer.from(p)), batches);
    }),
  );
});

test('varints round-trip for every integer below 2^52 and reject runs past the end', () => {
  fc.assert(
    fc.property(fc.integer({ min: -(2 ** 52) + 1, max: 2 ** 52 - 1 }), (n) => {
      const buf = Buffer.alloc(10);
      const end = writeVarint(buf, 0, n);
      assert.equal(end, varintSize(n));
      assert.deepEqual(readVarint(buf, 0, end), [n, end]);
      assert.throws(() => readVarint(buf, 0, end - 1), { code: 'CORRUPT_BATCH' });
    }),
  );
  assert.throws(() => readVarint(Buffer.alloc(11, 0xff), 0, 11), { code: 'CORRUPT_BATCH' });
});
