import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BrokerError } from '../../../src/core/errors.js';
import { canonicalKey, decodeFieldTable, decodeFieldValue, encodeFieldValue } from '../../../src/core/queues/field-codec.js';
import { FieldDecimal, FieldTypedNumber, type FieldTable, type FieldValue } from '../../../src/core/queues/field-values.js';

const leaf: fc.Arbitrary<FieldValue> = fc.oneof(
  fc.boolean(),
  fc.double({ noNaN: true }),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
  fc.string(),
  fc.uint8Array({ maxLength: 16 }).map((a) => Buffer.from(a)),
  fc.integer({ min: 0, max: 2 ** 40 }).map((ms) => new Date(ms)),
  fc.constant(null),
  fc.record({ scale: fc.integer({ min: 0, max: 255 }), value: fc.integer() }).map((d) => new FieldDecimal(d.scale, d.value)),
  fc.integer({ min: -128, max: 127 }).map((n) => new FieldTypedNumber('b', n)),
);
const { value } = fc.letrec<{ value: FieldValue }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.string(), tie('value'), { maxKeys: 4, noNullPrototype: true })),
}));

describe('field codec', () => {
  it('round-trips every field value', () => {
    fc.assert(
      fc.property(value, (v) => {
        assert.deepEqual(decodeFieldValue(encodeFieldValue(v)), v);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects truncated or corrupted bytes only with a BrokerError', () => {
    fc.assert(
      fc.property(value, fc.nat(), fc.nat(255), (v, cut, flip) => {
        const bytes = Buffer.from(encodeFieldValue({ v }));
        const damaged = [bytes.subarray(0, cut % bytes.length), Buffer.from(bytes)];
        damaged[1][cut % bytes.length] ^= flip || 1;
        for (const b of damaged) {
          try {
            decodeFieldValue(b);
          } catch (err) {
            assert.ok(err instanceof BrokerError, String(err));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

it("a '__proto__' key is an ordinary key of a table: it neither vanishes nor lends its contents to the table", () => {
  const withProtoKey: FieldTable = { a: 1 };
  Object.defineProperty(withProtoKey, '__proto__', { value: { x: 1 }, enumerable: true, configurable: true, writable: true });
  assert.notEqual(canonicalKey(withProtoKey), canonicalKey({ a: 1, x: 1 }));
  assert.notEqual(canonicalKey(withProtoKey), canonicalKey({ a: 1 }));
  const inherits = Object.create({ inherited: 1 }) as FieldTable;
  inherits.own = 2;
  assert.deepEqual(decodeFieldTable(encodeFieldValue(inherits)), { own: 2 });
});
