import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** An exclusive claim on a data directory, so two brokers never write the same logs. */
export interface DataDirLock {
  release(): Promise<void>;
}

/**
 * Claims `dataDir` for this process by creating `<dataDir>/.lock` with our pid. A lock left by a
 * process that no longer runs (after a crash) is taken over; a live owner makes this throw.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, '.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return { release: () => rm(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isRunning(owner)) {
        throw new Error(`data directory ${dataDir} is in use by process ${owner}`);
      }
      await rm(path, { force: true });
    }
  }
  throw new Error(`could not lock data directory ${dataDir}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
