import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AmqpProtocolError, ByteReader, ByteWriter, readTable, writeTable } from '../../src/amqp/codec/index.js';
import { FieldDecimal, FieldTypedNumber } from '../../src/core/queues/field-values.js';
import { fieldTable } from './arbitraries.js';

function encode(table: Parameters<typeof writeTable>[1]): Buffer {
  const w = new ByteWriter(16);
  writeTable(w, table);
  return w.take();
}

test('tables of every value type round-trip, and re-encoding a decoded table gives the same bytes', () => {
  fc.assert(
    fc.property(fieldTable, (table) => {
      const bytes = encode(table);
      const r = new ByteReader(bytes);
      const decoded = readTable(r);
      assert.equal(r.remaining(), 0);
      assert.deepStrictEqual(decoded, table);
      assert.deepStrictEqual(encode(decoded), bytes);
    }),
    { numRuns: 300 },
  );
});

test('each RabbitMQ value type decodes from its wire form', () => {
  const entries: [string, number[], unknown][] = [
    ['t', [1], true],
    ['b', [0xff], new FieldTypedNumber('b', -1)],
    ['B', [0xff], new FieldTypedNumber('B', 255)],
    ['s', [0xff, 0xfe], new FieldTypedNumber('s', -2)],
    ['u', [0xff, 0xfe], new FieldTypedNumber('u', 65534)],
    ['I', [0xff, 0xff, 0xff, 0xfd], -3],
    ['i', [0xff, 0xff, 0xff, 0xfd], new FieldTypedNumber('i', 4294967293)],
    ['l', [0, 0, 0, 1, 0, 0, 0, 0], 4294967296],
    ['l', [0, 0, 0, 0, 0, 0, 0, 7], new FieldTypedNumber('l', 7)],
    ['l', [0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 2n ** 63n - 1n],
    ['f', [0x3f, 0xc0, 0, 0], new FieldTypedNumber('f', 1.5)],
    ['d', [0x3f, 0xf8, 0, 0, 0, 0, 0, 0], 1.5],
    ['D', [2, 0, 0, 0x30, 0x39], new FieldDecimal(2, 12345)],
    ['S', [0, 0, 0, 2, 0x68, 0x69], 'hi'],
    ['A', [0, 0, 0, 2, 0x56, 0x56], [null, null]],
    ['T', [0, 0, 0, 0, 0x65, 0x53, 0xf1, 0x00], new Date(0x6553f100 * 1000)],
    ['F', [0, 0, 0, 4, 1, 0x6b, 0x74, 0], { k: false }],
    ['V', [], null],
    ['x', [0, 0, 0, 2, 1, 2], Buffer.from([1, 2])],
  ];
  for (const [tag, bytes, expected] of entries) {
    const entry = [1, 0x6b, tag.charCodeAt(0), ...bytes];
    const wire = Buffer.from([0, 0, 0, entry.length, ...entry]);
    assert.deepStrictEqual(readTable(new ByteReader(wire)), { k: expected }, `type ${tag}`);
    assert.deepStrictEqual(encode({ k: expected as never }), wire, `type ${tag} re-encodes`);
  }
});

test('a "__proto__" key is stored as data, not as a prototype', () => {
  const wire = encode(JSON.parse('{"__proto__": {"polluted": true}}'));
  const table = readTable(new ByteReader(wire));
  assert.equal(Object.getPrototypeOf(table), Object.prototype);
  assert.deepEqual(Object.keys(table), ['__proto__']);
});

test('malformed tables only ever throw AmqpProtocolError', () => {
  fc.assert(
    fc.property(fieldTable, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 4 }), (table, at, noise) => {
      const bytes = Buffer.from(encode(table));
      const mutated = Buffer.concat([bytes.subarray(0, at % (bytes.length + 1)), Buffer.from(noise), bytes.subarray(at % (bytes.length + 1))]);
      for (const candidate of [mutated, bytes.subarray(0, at % bytes.length)]) {
        try {
          readTable(new ByteReader(candidate));
        } catch (error) {
          assert.ok(error instanceof AmqpProtocolError, String(error));
        }
      }
    }),
    { numRuns: 500 },
  );
});

test('deeply nested tables are refused with a protocol error rather than a stack overflow', () => {
  const depth = 500;
  let inner = Buffer.from([0, 0, 0, 0]);
  for (let i = 0; i < depth; i++) {
    const entry = Buffer.concat([Buffer.from([1, 0x6b, 0x46]), inner]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(entry.length);
    inner = Buffer.concat([len, entry]);
  }
  assert.throws(() => readTable(new ByteReader(inner)), (e: unknown) => e instanceof AmqpProtocolError && e.replyCode === 501);
});
