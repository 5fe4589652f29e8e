/**
 * fast-check arbitraries of Kafka messages built from their schemas: a value for every field present
 * at a version (null only where the schema allows it there), and a projection that keeps exactly
 * those fields so decoded values can be compared with generated ones.
 */
import fc from 'fast-check';
import { inRange, propertyName, type FieldSchema, type MessageSchema } from './message-schemas.js';

const INT_RANGES: Record<string, [number, number]> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
};

type Value = unknown;

function structFields(schema: MessageSchema, field: FieldSchema): FieldSchema[] {
  const base = field.type.replace('[]', '');
  return field.fields ?? schema.commonStructs?.find((c) => c.name === base)?.fields ?? [];
}

function itemArbitrary(schema: MessageSchema, field: FieldSchema, base: string, version: number): fc.Arbitrary<Value> {
  const ints = INT_RANGES[base];
  if (ints) return fc.integer({ min: ints[0], max: ints[1] });
  switch (base) {
    case 'int64':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'bool':
      return fc.boolean();
    case 'uuid':
      return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('hex'));
    case 'string':
      return fc.string({ maxLength: 12, unit: 'grapheme' });
    case 'bytes':
    case 'records':
      return fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b));
    default:
      return structArbitrary(schema, structFields(schema, field), version);
  }
}

function fieldArbitrary(schema: MessageSchema, field: FieldSchema, version: number): fc.Arbitrary<Value> {
  const isArray = field.type.startsWith('[]');
  const base = field.type.replace('[]', '');
  const item = itemArbitrary(schema, field, base, version);
  const value = isArray ? fc.array(item, { maxLength: 3 }) : item;
  return inRange(field.nullableVersions, version) ? fc.option(value, { nil: null, freq: 4 }) : value;
}

/** Values of a struct with every field present at `version`. */
export function structArbitrary(schema: MessageSchema, fields: FieldSchema[], version: number): fc.Arbitrary<Record<string, Value>> {
  const shape: Record<string, fc.Arbitrary<Value>> = {};
  for (const field of fields) {
    if (!inRange(field.versions, version)) continue;
    if (field.tag !== undefined && !inRange(field.taggedVersions, version)) continue;
    const arb = fieldArbitrary(schema, field, version);
    const isStruct = !field.type.startsWith('[]') && field.fields !== undefined;
    shape[propertyName(field)] = field.tag !== undefined && isStruct ? fc.option(arb, { nil: undefined }) : arb;
  }
  return fc.record(shape);
}

/** Values of a whole message at `version`. */
export function messageArbitrary(schema: MessageSchema, version: number): fc.Arbitrary<Record<string, Value>> {
  return structArbitrary(schema, schema.fields, version);
}

/** Keeps only the fields present at `version` (and tagged structs that are set), recursively. */
export function project(schema: MessageSchema, fields: FieldSchema[], value: Record<string, Value>, version: number): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const field of fields) {
    if (!inRange(field.versions, version)) continue;
    if (field.tag !== undefined && !inRange(field.taggedVersions, version)) continue;
    const v = value[propertyName(field)];
    if (v === undefined) continue;
    const inner = structFields(schema, field);
    const isStruct = inner.length > 0;
    if (isStruct && Array.isArray(v)) out[propertyName(field)] = v.map((x) => project(schema, inner, x as Record<string, Value>, version));
    else if (isStruct && v !== null) out[propertyName(field)] = project(schema, inner, v as Record<string, Value>, version);
    else out[propertyName(field)] = v;
  }
  return out;
}
