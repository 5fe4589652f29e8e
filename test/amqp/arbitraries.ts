import fc from 'fast-check';
import { FieldDecimal, FieldTypedNumber } from '../../src/core/queues/field-values.js';
import type { FieldTable, FieldValue } from '../../src/amqp/codec/index.js';
import type { ArgumentType } from '../../src/amqp/codec/index.js';

/** Strings that fit an AMQP short string (at most 255 UTF-8 bytes). */
export const shortstr = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => Buffer.byteLength(s) <= 255);

/** Dates at whole seconds, as 'T' carries them. */
const timestampDate = fc.integer({ min: 0, max: 2 ** 40 }).map((s) => new Date(s * 1000));

const outsideInt32 = fc.oneof(
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: -(2 ** 31) - 1 }),
  fc.integer({ min: 2 ** 31, max: Number.MAX_SAFE_INTEGER }),
);

const beyondSafe = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: BigInt(Number.MIN_SAFE_INTEGER) - 1n }),
  fc.bigInt({ min: BigInt(Number.MAX_SAFE_INTEGER) + 1n, max: 2n ** 63n - 1n }),
);

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });

/** Field values of every type, in the form the decoder produces them. */
const scalar: fc.Arbitrary<FieldValue> = fc.oneof(
  fc.boolean(),
  int32,
  outsideInt32,
  fc.double().filter((d) => !Number.isSafeInteger(d) || Object.is(d, -0)),
  beyondSafe,
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.uint8Array({ maxLength: 30 }).map((a) => Buffer.from(a)),
  timestampDate,
  fc.constant(null),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })).map(([s, v]) => new FieldDecimal(s, v)),
  fc.integer({ min: -128, max: 127 }).map((v) => new FieldTypedNumber('b', v)),
  fc.integer({ min: 0, max: 255 }).map((v) => new FieldTypedNumber('B', v)),
  fc.integer({ min: -32768, max: 32767 }).map((v) => new FieldTypedNumber('s', v)),
  fc.integer({ min: 0, max: 65535 }).map((v) => new FieldTypedNumber('u', v)),
  fc.integer({ min: 0, max: 2 ** 32 - 1 }).map((v) => new FieldTypedNumber('i', v)),
  int32.map((v) => new FieldTypedNumber('l', v)),
  fc.float().map((v) => new FieldTypedNumber('f', v)),
  fc.integer().map((v) => new FieldTypedNumber('d', v)),
);

const tree = fc.letrec<{ value: FieldValue; table: FieldTable }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('value'), { maxLength: 4 }), tie('table')),
  table: fc.dictionary(shortstr, tie('value'), { maxKeys: 5, noNullPrototype: true }) as fc.Arbitrary<FieldTable>,
}));

/** Field tables with nested arrays and tables of every value type. */
export const fieldTable = tree.table;

const byType: Record<ArgumentType, fc.Arbitrary<unknown>> = {
  bit: fc.boolean(),
  octet: fc.integer({ min: 0, max: 255 }),
  short: fc.integer({ min: 0, max: 65535 }),
  long: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  longlong: fc.maxSafeNat(),
  timestamp: fc.maxSafeNat(),
  shortstr,
  longstr: fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
  table: fieldTable,
};

/** An arbitrary for a value of the given method-argument type. */
export function argumentOf(type: ArgumentType): fc.Arbitrary<unknown> {
  return byType[type];
}
