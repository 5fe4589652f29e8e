/**
 * Headers exchange matching. A binding's arguments are compiled once into the list of header entries
 * it tests and the x-match mode: all / any ignore argument keys starting with "x-", the -with-x modes
 * include them. A binding value of void (null) tests only that the header is present.
 */
import { BrokerError } from '../errors.js';
import { fieldValuesEqual, type FieldTable, type FieldValue } from './field-values.js';

/** x-match modes. */
export type HeadersMatchMode = 'all' | 'any' | 'all-with-x' | 'any-with-x';

/** A compiled headers binding. */
export interface HeadersMatcher {
  readonly all: boolean;
  readonly entries: readonly (readonly [string, FieldValue])[];
}

const MODES = new Set<string>(['all', 'any', 'all-with-x', 'any-with-x']);

/** Compiles a headers binding's arguments; 406 on an unknown x-match value. */
export function compileHeadersMatcher(args: FieldTable | undefined): HeadersMatcher {
  const table = args ?? {};
  const raw = table['x-match'] ?? 'all';
  if (typeof raw !== 'string' || !MODES.has(raw)) {
    throw new BrokerError('PRECONDITION_FAILED', `Invalid x-match field value ${JSON.stringify(String(raw))}; expected all, any, all-with-x, or any-with-x`);
  }
  const mode = raw as HeadersMatchMode;
  const withX = mode.endsWith('-with-x');
  const entries = Object.entries(table).filter(([key]) => key !== 'x-match' && (withX || !key.startsWith('x-')));
  return { all: mode === 'all' || mode === 'all-with-x', entries };
}

function entryMatches(headers: FieldTable, key: string, expected: FieldValue): boolean {
  if (!Object.prototype.hasOwnProperty.call(headers, key)) return false;
  return expected === null || fieldValuesEqual(expected, headers[key]);
}

/** True if a message with `headers` matches the compiled binding. */
export function headersMatch(matcher: HeadersMatcher, headers: FieldTable | undefined): boolean {
  const h = headers ?? {};
  if (matcher.all) return matcher.entries.every(([k, v]) => entryMatches(h, k, v));
  return matcher.entries.some(([k, v]) => entryMatches(h, k, v));
}
