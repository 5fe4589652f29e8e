/**
 * Helpers shared by the file-engine tests: stores in temp data directories, batches with recognisable
 * values, and reading a log back into an offset -> value map.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FileLogStore, type FileLogStoreOptions } from '../../src/storage/file/file-log-store.js';
import { encodeLogName } from '../../src/storage/file/names.js';
import { withTempDir } from '../support/temp-dir.js';

/** Runs `body` with a FileLogStore in a fresh temp directory, closed and removed afterwards. */
export async function withFileStore<T>(body: (store: FileLogStore, dataDir: string) => Promise<T>, options?: FileLogStoreOptions): Promise<T> {
  return withTempDir(async (dir) => {
    const store = await FileLogStore.open(dir, options);
    try {
      return await body(store, dir);
    } finally {
      await store.close();
    }
  });
}

/** The directory of log `name` in a store opened on `dataDir`. */
export function logDir(dataDir: string, name: string): string {
  return join(dataDir, 'logs', encodeLogName(name));
}

/** Files of a log directory with the given suffix, sorted (segments sort by base offset). */
export async function filesWithSuffix(dir: string, suffix: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith(suffix)).sort().map((f) => join(dir, f));
}
