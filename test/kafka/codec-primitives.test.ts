// The wire primitives: hand-checked encodings, round trips, and typed errors on short input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { KafkaProtocolError } from '../../src/kafka/codec/protocol-error.js';
import { KafkaReader } from '../../src/kafka/codec/reader.js';
import { KafkaWriter, sizeOfUvarint, sizeOfVarint, sizeOfVarlong } from '../../src/kafka/codec/writer.js';

function written(size: number, write: (w: KafkaWriter) => void): Buffer {
  const w = new KafkaWriter(size);
  write(w);
  return w.finish();
}

test('varints match the protocol guide (zig-zag, 7 bits a byte, low group first)', () => {
  assert.equal(written(2, (w) => w.uvarint(300)).toString('hex'), 'ac02');
  assert.equal(written(1, (w) => w.varint(-1)).toString('hex'), '01');
  assert.equal(written(1, (w) => w.varint(1)).toString('hex'), '02');
  assert.equal(written(2, (w) => w.varint(-65)).toString('hex'), '8101');
  assert.equal(written(10, (w) => w.varlong(-(2n ** 63n))).toString('hex'), 'ffffffffffffffffff01');
});

test('uvarint, varint and varlong round-trip and size correctly', () => {
  fc.assert(
    fc.property(fc.nat({ max: 0xffffffff }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (u, s, l) => {
      const bytes = written(sizeOfUvarint(u) + sizeOfVarint(s) + sizeOfVarlong(l), (w) => {
        w.uvarint(u);
        w.varint(s);
        w.varlong(l);
      });
      const r = new KafkaReader(bytes);
      assert.equal(r.uvarint(), u);
      assert.equal(r.varint(), s);
      assert.equal(r.varlong(), l);
      r.expectEnd();
    }),
  );
});

test('strings and bytes: classic and compact prefixes, null as -1 / 0', () => {
  assert.equal(written(4, (w) => w.nullableString('ab', false)).toString('hex'), '00026162');
  assert.equal(written(3, (w) => w.nullableString('ab', true)).toString('hex'), '036162');
  assert.equal(written(2, (w) => w.nullableString(null, false)).toString('hex'), 'ffff');
  assert.equal(written(1, (w) => w.nullableString(null, true)).toString('hex'), '00');
  assert.equal(written(4, (w) => w.nullableBytes(null, false)).toString('hex'), 'ffffffff');
  assert.equal(new KafkaReader(Buffer.from('00', 'hex')).nullableBytes(true), null);
});

test('every short or malformed input throws KafkaProtocolError, never anything else', () => {
  const reads: ((r: KafkaReader) => unknown)[] = [
    (r) => r.int64(),
    (r) => r.uvarint(),
    (r) => r.varlong(),
    (r) => r.string(false),
    (r) => r.string(true),
    (r) => r.bytes(false),
    (r) => r.bytes(true),
    (r) => r.array(false, 4, () => r.int32()),
    (r) => r.array(true, 1, () => r.string(true)),
    (r) => r.taggedFields(() => false),
    (r) => r.uuid(),
  ];
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 12 }), fc.nat({ max: reads.length - 1 }), (bytes, which) => {
      try {
        reads[which](new KafkaReader(Buffer.from(bytes)));
      } catch (err) {
        assert.ok(err instanceof KafkaProtocolError, String(err));
      }
    }),
    { numRuns: 2000 },
  );
});

test('an array count larger than the bytes left is refused before allocating', () => {
  const r = new KafkaReader(Buffer.from('7fffffff00', 'hex'));
  assert.throws(() => r.array(false, 4, () => r.int32()), KafkaProtocolError);
  assert.equal(new KafkaReader(Buffer.from('ffffffff0f', 'hex')).uvarint(), 0xffffffff);
  assert.throws(() => new KafkaReader(Buffer.from('ffffffff1f', 'hex')).uvarint(), KafkaProtocolError);
  assert.throws(() => new KafkaReader(Buffer.from('ffffffffff', 'hex')).uvarint(), KafkaProtocolError);
});

test('large byte strings are spliced by reference, not copied', () => {
  const big = Buffer.alloc(64, 7);
  const w = new KafkaWriter(2 + 4 + 64 + 4 + 3, 32);
  w.int16(1);
  w.nullableBytes(big, false);
  w.nullableBytes(Buffer.from('abc'), false);
  const chunks = w.finishChunks();
  assert.equal(chunks.length, 3);
  assert.equal(chunks[1], big, 'the very same buffer');
  assert.equal(Buffer.concat(chunks).toString('hex'), '0001' + '00000040' + '07'.repeat(64) + '00000003' + '616263');
  assert.throws(() => w.finish(), KafkaProtocolError);
});

test('the writer refuses to finish when the precomputed size was wrong', () => {
  const w = new KafkaWriter(5);
  w.int32(1);
  assert.throws(() => w.finish(), KafkaProtocolError);
});
