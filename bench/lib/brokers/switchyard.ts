import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BROKER_CPU, startServer, stopGroup } from '../child.js';
import { freePort } from '../ports.js';
import type { BrokerHandle } from './types.js';

/** Root of the repository (where src/cli/run.ts lives). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** The broker runs compiled, as users run it (`npm start`), not through a TypeScript loader. */
const SERVE = ['dist/src/cli/run.js', 'serve'];

let built = false;
let nullStorage: boolean | undefined;

/** Compiles the broker once per suite run, so the figures are those of the current sources. */
function ensureBuilt(): void {
  if (built) return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'inherit' });
  built = true;
}

/** Whether `serve --help` offers a null storage mode (`--storage null`); asked once. */
export function hasNullStorage(): boolean {
  ensureBuilt();
  nullStorage ??= askNullStorage();
  return nullStorage;
}

function askNullStorage(): boolean {
  try {
    const help = execFileSync(process.execPath, [...SERVE, '--help'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] });
    return /--storage\b[^\n]*\bnull\b/.test(help);
  } catch {
    return false;
  }
}

const DURABILITY: Record<string, string> = {
  batch: 'fsync batch: ack after one fdatasync shared by the writes of its window (group commit)',
  never: 'fsync never: ack after write(2) alone, page cache only',
  null: 'null storage: nothing is written',
};

/** Starts `switchyard serve` with its own temp data dir and free loopback ports; resolves once /api/health is 200. */
export async function startSwitchyard(fsync: 'batch' | 'never'): Promise<BrokerHandle> {
  ensureBuilt();
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-switchyard-'));
  const [amqp, kafka, http] = [await freePort(), await freePort(), await freePort()];
  const storage = fsync === 'never' && hasNullStorage() ? ['--storage', 'null'] : ['--fsync', fsync];
  const args = [...SERVE, '--data-dir', dataDir, '--amqp-port', `${amqp}`, '--kafka-port', `${kafka}`, '--http-port', `${http}`, ...storage];
  const health = async () => (await fetch(`http://127.0.0.1:${http}/api/health`).catch(() => undefined))?.status === 200;
  const launch = () => startServer('switchyard', process.execPath, args, { ready: health, timeoutMs: 60_000, cwd: REPO_ROOT });
  let child = await launch().catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  const handle: BrokerHandle = {
    kind: fsync === 'batch' ? 'switchyard' : 'switchyard-nofsync',
    pid: child.pid,
    command: `taskset -c ${BROKER_CPU} node ${args.join(' ')}`,
    durability: DURABILITY[storage[1]],
    amqpUrl: `amqp://guest:guest@127.0.0.1:${amqp}`,
    kafkaBrokers: [`127.0.0.1:${kafka}`],
    alive: () => child.process.exitCode === null && child.process.signalCode === null,
    async restart() {
      await stopGroup(child);
      child = await launch();
      handle.pid = child.pid;
    },
    async stop() {
      await stopGroup(child);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}
