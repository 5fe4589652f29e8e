/** What crash.test.ts and its child agree on: the log, its settings and the record values. */

/** Name of the log the child appends to. */
export const CRASH_LOG = 'crash/log';
/** Small segments and a dense index so that crashes land around rolls and index entries. */
export const CRASH_LOG_CONFIG = { segmentBytes: 8192, indexIntervalBytes: 512 };

/** The value of record `i` of the batch tagged `prefix`: the tag, then filler of a tag-dependent length. */
export function crashRecordValue(prefix: string, i: number): Buffer {
  const tag = `${prefix}-${i}|`;
  return Buffer.from(tag + '#'.repeat((tag.length * 7) % 97));
}
