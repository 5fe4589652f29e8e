/**
 * Per-log metadata files, each replaced atomically (temp file, fsync, rename, fsync directory):
 *
 * - `checkpoint.json`: the log start offset and the recovery point, the last position (segment
 *   base offset + byte position) known to be flushed. Written after fsyncs now and then, not per
 *   append. Recovery may cut a torn tail only past the recovery point; anything wrong below it is
 *   damage.
 * - `clean-shutdown`: written last by close(), removed by open() before any append.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StorageError } from '../types.js';
import { fsyncDir, writeFileAtomic } from './durable-fs.js';
import { CHECKPOINT_FILE, CLEAN_SHUTDOWN_FILE } from './names.js';

/** A position in a log: the segment and the byte within it. */
export interface LogPosition {
  segmentBase: number;
  position: number;
}

/** Contents of checkpoint.json. */
export interface Checkpoint {
  startOffset: number;
  recoveryPoint: LogPosition;
}

/** True if `a` is strictly before `b`. */
export function isBefore(a: LogPosition, b: LogPosition): boolean {
  return a.segmentBase < b.segmentBase || (a.segmentBase === b.segmentBase && a.position < b.position);
}

/** Reads the checkpoint; undefined if the log never wrote one. Throws LOG_DAMAGED if unreadable. */
export async function readCheckpoint(dir: string): Promise<Checkpoint | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, CHECKPOINT_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = parseCheckpoint(text);
  if (!parsed) {
    console.error(`storage: ${join(dir, CHECKPOINT_FILE)} is unreadable`);
    throw new StorageError('LOG_DAMAGED', `checkpoint of ${dir} is unreadable`);
  }
  return parsed;
}

function parseCheckpoint(text: string): Checkpoint | undefined {
  try {
    const value = JSON.parse(text) as Checkpoint;
    const numbers = [value.startOffset, value.recoveryPoint?.segmentBase, value.recoveryPoint?.position];
    return numbers.every((n) => Number.isSafeInteger(n) && n >= 0) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Durably replaces the checkpoint. */
export function writeCheckpoint(dir: string, checkpoint: Checkpoint): Promise<void> {
  return writeFileAtomic(join(dir, CHECKPOINT_FILE), JSON.stringify(checkpoint));
}

/** Removes the clean-shutdown marker, returning whether it was there (durable before returning). */
export async function takeCleanMarker(dir: string): Promise<boolean> {
  const path = join(dir, CLEAN_SHUTDOWN_FILE);
  try {
    await rm(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  await fsyncDir(dir);
  return true;
}

/** Durably records that the log was closed cleanly. */
export function writeCleanMarker(dir: string): Promise<void> {
  return writeFileAtomic(join(dir, CLEAN_SHUTDOWN_FILE), '');
}
