/**
 * File and directory names of the file engine.
 *
 * Log names may hold any characters; a log's directory name is its name with every byte outside
 * `[A-Za-z0-9._-]` (and a leading `.`) percent-encoded as UTF-8, which is reversible and never
 * yields `.`, `..`, a hidden name, or a path separator.
 */

/** Longest directory name most filesystems accept. */
const MAX_DIR_NAME_BYTES = 255;
/** Width of the zero-padded base offset in segment file names (Kafka uses 20 digits). */
const OFFSET_DIGITS = 20;

/** Suffix of segment data files. */
export const LOG_SUFFIX = '.log';
/** Suffix of sparse offset index files. */
export const INDEX_SUFFIX = '.index';
/** Suffix of sparse time index files. */
export const TIME_INDEX_SUFFIX = '.timeindex';
/** Per-log metadata: start offset and last flushed point. */
export const CHECKPOINT_FILE = 'checkpoint.json';
/** Present only while a log is closed cleanly. */
export const CLEAN_SHUTDOWN_FILE = 'clean-shutdown';
/** Prefix of a log directory being deleted (renamed away first so a crash never leaves half a log). */
export const DELETING_PREFIX = '.deleting-';

/** Encodes a log name as a single safe directory name. */
export function encodeLogName(name: string): string {
  if (name.length === 0) throw new RangeError('a log name cannot be empty');
  let out = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const c = String.fromCharCode(byte);
    const plain = /[A-Za-z0-9_-]/.test(c) || (c === '.' && out.length > 0);
    out += plain ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (out.length > MAX_DIR_NAME_BYTES) throw new RangeError(`log name too long for the filesystem: ${name.slice(0, 40)}...`);
  return out;
}

/** Decodes a directory name made by encodeLogName; undefined if it is not one. */
export function decodeLogName(dirName: string): string | undefined {
  if (dirName.length === 0 || dirName.startsWith('.') || !/^(?:[A-Za-z0-9._-]|%[0-9A-F]{2})+$/.test(dirName)) return undefined;
  const bytes = Buffer.from(dirName.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))), 'latin1');
  const name = bytes.toString('utf8');
  return encodeLogName(name) === dirName ? name : undefined;
}

/** File name of a segment file with the given base offset and suffix, e.g. `00000000000000000042.log`. */
export function segmentFileName(baseOffset: number, suffix: string): string {
  return String(baseOffset).padStart(OFFSET_DIGITS, '0') + suffix;
}

/** Base offset of a segment data file name, or undefined if the name is not one. */
export function parseSegmentFileName(fileName: string): number | undefined {
  const match = /^(\d{20})\.log$/.exec(fileName);
  return match ? Number(match[1]) : undefined;
}
