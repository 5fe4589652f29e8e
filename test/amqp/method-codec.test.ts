import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteReader, ByteWriter, METHOD_SPECS, decodeMethod, writeMethod, MethodId, type AmqpMethod, type MethodSpec } from '../../src/amqp/codec/index.js';
import { AmqpProtocolError } from '../../src/amqp/codec/errors.js';
import { readMethod } from '../../src/amqp/codec/generated/methods.js';
import { argumentOf } from './arbitraries.js';

function argsOf(spec: MethodSpec): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(Object.fromEntries(spec.fields.map((f) => [f.name, argumentOf(f.type)])), { noNullPrototype: true });
}

function encode(method: AmqpMethod): Buffer {
  const w = new ByteWriter(64);
  writeMethod(w, method);
  return w.take();
}

test('every method of the spec round-trips through encode and decode', () => {
  assert.equal(METHOD_SPECS.length, 66);
  for (const spec of METHOD_SPECS) {
    const args = argsOf(spec);
    fc.assert(
      fc.property(args, (a) => {
        const method = { id: spec.id, args: a } as AmqpMethod;
        const bytes = encode(method);
        assert.equal(bytes.readUInt16BE(0), spec.classId);
        assert.equal(bytes.readUInt16BE(2), spec.methodId);
        const r = new ByteReader(bytes);
        assert.deepStrictEqual(readMethod(r), method, spec.name);
        assert.equal(r.remaining(), 0, `${spec.name} left bytes unread`);
      }),
      { numRuns: 40 },
    );
  }
});

test('consecutive bits share octets and a non-bit field starts a new one', () => {
  const bytes = encode({
    id: MethodId.QueueDeclare,
    args: { ticket: 0, queue: 'q', passive: false, durable: true, exclusive: false, autoDelete: true, nowait: true, arguments: {} },
  });
  // class, method, ticket, shortstr 'q', one octet of bits, empty table
  assert.deepEqual([...bytes], [0, 50, 0, 10, 0, 0, 1, 0x71, 0b11010, 0, 0, 0, 0]);
});

test('truncated method payloads throw AmqpProtocolError, never another error', () => {
  for (const spec of METHOD_SPECS) {
    const args = argsOf(spec);
    fc.assert(
      fc.property(args, fc.nat(), (a, cut) => {
        const bytes = encode({ id: spec.id, args: a } as AmqpMethod);
        const short = bytes.subarray(0, cut % bytes.length);
        try {
          decodeMethod(short);
        } catch (error) {
          assert.ok(error instanceof AmqpProtocolError, String(error));
          return;
        }
        // A prefix can still be a whole method only when the cut fell on trailing optional-free bytes.
        assert.fail(`${spec.name}: prefix of ${short.length}/${bytes.length} bytes decoded`);
      }),
      { numRuns: 10 },
    );
  }
});

test('unknown class and method ids are rejected with 503', () => {
  assert.throws(() => decodeMethod(Buffer.from([0, 99, 0, 1])), (e: unknown) => e instanceof AmqpProtocolError && e.replyCode === 503);
});
