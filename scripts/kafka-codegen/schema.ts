/** The Kafka message schemas as the codec generator reads them: types, version ranges, field kinds. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** An inclusive version range; min > max means empty. */
export interface Range {
  min: number;
  max: number;
}

/** One field of a schema, as the JSON gives it. */
export interface FieldSpec {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  flexibleVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  fields?: FieldSpec[];
}

/** One message schema file. */
export interface MessageSpec {
  apiKey?: number;
  type: string;
  name: string;
  validVersions: string;
  flexibleVersions: string;
  latestVersionUnstable?: boolean;
  fields: FieldSpec[];
  commonStructs?: { name: string; fields: FieldSpec[] }[];
}

/** The range of no versions. */
export const EMPTY: Range = { min: 1, max: 0 };

/** Parses a schema range: "3+", "0-5", "2" or "none". */
export function parseRange(text: string | undefined): Range {
  if (text === undefined || text === 'none') return EMPTY;
  const plus = /^(\d+)\+$/.exec(text);
  if (plus) return { min: Number(plus[1]), max: Infinity };
  const span = /^(\d+)-(\d+)$/.exec(text);
  if (span) return { min: Number(span[1]), max: Number(span[2]) };
  if (/^\d+$/.test(text)) return { min: Number(text), max: Number(text) };
  throw new Error(`bad version range ${text}`);
}

/** The versions in both ranges. */
export function intersect(a: Range, b: Range): Range {
  return { min: Math.max(a.min, b.min), max: Math.min(a.max, b.max) };
}

/** Whether a range holds no version. */
export const isEmpty = (r: Range): boolean => r.min > r.max;

/** A boolean TS expression for `version` lying in `r`, simplified against the message's versions. */
export function versionTest(r: Range, within: Range): string {
  const x = intersect(r, within);
  if (isEmpty(x)) return 'false';
  const parts: string[] = [];
  if (x.min > within.min) parts.push(`version >= ${x.min}`);
  if (x.max < within.max) parts.push(`version <= ${x.max}`);
  return parts.length === 0 ? 'true' : parts.join(' && ');
}

/** Strips // and block comments outside string literals (the schemas are JSON with comments). */
export function stripComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2) + 1;
    } else out += c;
  }
  return out;
}

/** Reads one schema file (JSON with comments) from the spec directory. */
export function loadSpec(specDir: string, name: string): MessageSpec {
  return JSON.parse(stripComments(readFileSync(join(specDir, `${name}.json`), 'utf8'))) as MessageSpec;
}

/** FooBar -> fooBar. */
export const camel = (s: string): string => s[0].toLowerCase() + s.slice(1);
/** FooBar -> foo-bar. */
export const kebab = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/** Fixed-size wire types: their TypeScript type, size, codec method and zero value. */
export const PRIMITIVES: Record<string, { ts: string; size: number; method: string; zero: string }> = {
  int8: { ts: 'number', size: 1, method: 'int8', zero: '0' },
  int16: { ts: 'number', size: 2, method: 'int16', zero: '0' },
  int32: { ts: 'number', size: 4, method: 'int32', zero: '0' },
  int64: { ts: 'bigint', size: 8, method: 'int64', zero: '0n' },
  bool: { ts: 'boolean', size: 1, method: 'bool', zero: 'false' },
  uuid: { ts: 'string', size: 16, method: 'uuid', zero: `'${'0'.repeat(32)}'` },
};

/** What a field holds: an array or not, and its item's category. */
export interface FieldKind {
  array: boolean;
  base: string;
  category: 'primitive' | 'string' | 'bytes' | 'struct';
}

/** Classifies a field by its type. */
export function kindOf(f: FieldSpec): FieldKind {
  const array = f.type.startsWith('[]');
  const base = array ? f.type.slice(2) : f.type;
  const category = PRIMITIVES[base] ? 'primitive' : base === 'string' ? 'string' : base === 'bytes' || base === 'records' ? 'bytes' : 'struct';
  return { array, base, category };
}
