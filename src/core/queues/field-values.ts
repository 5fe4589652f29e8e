/**
 * Values carried in AMQP field tables (message headers, declare/bind/consume arguments), as plain data.
 *
 * Integers are numbers (bigint beyond 2^53), timestamps are Dates, byte arrays are Buffers, void is
 * null, arrays are arrays, nested tables are plain objects. Two small classes keep what plain data
 * cannot: a decimal, and a number whose exact wire width must survive a round trip. The core stores
 * and returns these values unchanged, including through a restart.
 */

/** A decimal value: `value` / 10^`scale`. */
export class FieldDecimal {
  constructor(
    readonly scale: number,
    readonly value: number,
  ) {}
}

/** Wire widths a number can be pinned to. */
export type FieldNumberType = 'b' | 'B' | 's' | 'u' | 'I' | 'i' | 'l' | 'f' | 'd';

/** A number with an explicit wire type (e.g. a signed byte), kept as such by the core. */
export class FieldTypedNumber {
  constructor(
    readonly type: FieldNumberType,
    readonly value: number | bigint,
  ) {}
}

/** One value of a field table. */
export type FieldValue =
  | boolean
  | number
  | bigint
  | string
  | Buffer
  | Date
  | null
  | FieldDecimal
  | FieldTypedNumber
  | FieldValue[]
  | FieldTable;

/** A field table: string keys to values. */
export interface FieldTable {
  [key: string]: FieldValue;
}

/** The number a header or argument holds, whether plain or typed; undefined for anything else. */
export function numericValue(value: FieldValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof FieldTypedNumber || isTypedNumberLike(value)) return Number((value as FieldTypedNumber).value);
  return undefined;
}

/** True for an object shaped like a FieldTypedNumber (a front-end may use its own class of the same shape). */
export function isTypedNumberLike(value: unknown): value is FieldTypedNumber {
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) === Object.prototype) return false;
  const v = value as { type?: unknown; value?: unknown };
  return typeof v.type === 'string' && (typeof v.value === 'number' || typeof v.value === 'bigint');
}

/** True for an object shaped like a FieldDecimal (a front-end may use its own class of the same shape). */
export function isDecimalLike(value: unknown): value is FieldDecimal {
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) === Object.prototype) return false;
  const v = value as { scale?: unknown; value?: unknown };
  return typeof v.scale === 'number' && typeof v.value === 'number';
}

/** Deep equality of two field values (used by headers matching and argument equivalence). */
export function fieldValuesEqual(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (a === b) return true;
  const na = numericValue(a);
  const nb = numericValue(b);
  if (na !== undefined || nb !== undefined) return na === nb;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (isDecimalLike(a) || isDecimalLike(b)) {
    return isDecimalLike(a) && isDecimalLike(b) && a.scale === b.scale && a.value === b.value;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => fieldValuesEqual(v, b[i]));
  }
  const ta = a as FieldTable;
  const tb = b as FieldTable;
  const ka = Object.keys(ta);
  if (ka.length !== Object.keys(tb).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(tb, k) && fieldValuesEqual(ta[k], tb[k]));
}
