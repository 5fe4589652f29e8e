import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** An exclusive claim on a data directory, so two brokers never write the same logs. */
export interface DataDirLock {
  release(): Promise<void>;
}

/** Directories locked by brokers of this process (a pid check cannot tell two of them apart). */
const lockedHere = new Set<string>();

/**
 * Claims `dataDir` by creating `<dataDir>/.lock` holding our pid. The file is written aside and linked into
 * place, so it never exists empty. A lock left by a process that no longer runs (after a crash) is taken
 * over; a live owner, another broker of this process, or a lock file that names no process makes this throw.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const dir = resolve(dataDir);
  if (lockedHere.has(dir)) throw new Error(`data directory ${dir} is in use by another broker of this process`);
  await mkdir(dir, { recursive: true });
  const path = join(dir, '.lock');
  const draft = join(dir, `.lock.${process.pid}.${Date.now()}`);
  await writeFile(draft, String(process.pid));
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await link(draft, path);
        lockedHere.add(dir);
        return {
          release: async () => {
            lockedHere.delete(dir);
            await rm(path, { force: true });
          },
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const text = await readFile(path, 'utf8').catch(() => '');
        const owner = /^\d+$/.test(text) ? Number(text) : undefined;
        if (owner === undefined) throw new Error(`data directory ${dir} has a lock file that names no process; remove ${path} if no broker uses it`);
        if (owner !== process.pid && isRunning(owner)) throw new Error(`data directory ${dir} is in use by process ${owner}`);
        await rm(path, { force: true });
      }
    }
    throw new Error(`could not lock data directory ${dir}`);
  } finally {
    await rm(draft, { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
