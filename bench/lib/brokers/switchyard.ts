import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BROKER_CPU, startServer, stopGroup } from '../child.js';
import { freePort } from '../ports.js';
import type { BrokerHandle, SwitchyardKind } from './types.js';

/** Root of the repository (where src/cli/run.ts lives). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/**
 * The broker runs compiled, as users run it (`npm start`), not through a TypeScript loader, with the
 * young generation `npm start` gives it (README: "Tail latency"). It is pinned to one core, so V8 collects
 * garbage on the main thread (README: "Running on one core"); its parallel GC helpers would otherwise
 * compete with it for that core.
 */
const SERVE = ['--single-threaded-gc', '--max-semi-space-size=4', 'dist/src/cli/run.js', 'serve'];

let built = false;
let memoryStorage: boolean | undefined;

/** Compiles the broker once per suite run, so the figures are those of the current sources. */
function ensureBuilt(): void {
  if (built) return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'inherit' });
  built = true;
}

/** Whether `serve --help` offers storage in memory (`--storage ... memory`); asked once. */
export function hasMemoryStorage(): boolean {
  ensureBuilt();
  memoryStorage ??= askMemoryStorage();
  return memoryStorage;
}

function askMemoryStorage(): boolean {
  try {
    const help = execFileSync(process.execPath, [...SERVE, '--help'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] });
    return /--storage\b[^\n]*\bmemory\b/.test(help);
  } catch {
    return false;
  }
}

/** The `serve` flags of each variant and what its acknowledgement means. */
const VARIANTS: Record<SwitchyardKind, { flags: string[]; durability: string }> = {
  switchyard: { flags: ['--fsync', 'batch'], durability: 'fsync batch: ack after one fdatasync shared by the writes of its window (group commit)' },
  'switchyard-nofsync': { flags: ['--fsync', 'never'], durability: 'fsync never: ack after write(2) alone, page cache only' },
  'switchyard-memory': {
    flags: ['--storage', 'memory'],
    durability: 'storage memory: ack once the message is held in the broker heap; nothing is written, nothing survives a restart',
  },
};

/**
 * Starts `switchyard serve` as the variant `kind` on free loopback ports, with its own temp data dir unless
 * it stores in memory; resolves once /api/health is 200. Only variants with a data dir can restart.
 */
export async function startSwitchyard(kind: SwitchyardKind): Promise<BrokerHandle> {
  ensureBuilt();
  const inMemory = kind === 'switchyard-memory';
  if (inMemory && !hasMemoryStorage()) throw new Error('this build of `switchyard serve` has no --storage memory');
  const dataDir = inMemory ? undefined : await mkdtemp(join(tmpdir(), 'bench-switchyard-'));
  const removeData = () => (dataDir === undefined ? Promise.resolve() : rm(dataDir, { recursive: true, force: true }));
  const [amqp, kafka, http] = [await freePort(), await freePort(), await freePort()];
  const { flags, durability } = VARIANTS[kind];
  const placement = dataDir === undefined ? [] : ['--data-dir', dataDir];
  const args = [...SERVE, ...placement, '--amqp-port', `${amqp}`, '--kafka-port', `${kafka}`, '--http-port', `${http}`, ...flags];
  const health = async () => (await fetch(`http://127.0.0.1:${http}/api/health`).catch(() => undefined))?.status === 200;
  const launch = () => startServer('switchyard', process.execPath, args, { ready: health, timeoutMs: 60_000, cwd: REPO_ROOT });
  let child = await launch().catch(async (error: unknown) => {
    await removeData();
    throw error;
  });
  const handle: BrokerHandle = {
    kind,
    pid: child.pid,
    command: `taskset -c ${BROKER_CPU} node ${args.join(' ')}`,
    durability,
    amqpUrl: `amqp://guest:guest@127.0.0.1:${amqp}`,
    kafkaBrokers: [`127.0.0.1:${kafka}`],
    alive: () => child.process.exitCode === null && child.process.signalCode === null,
    async stop() {
      await stopGroup(child);
      await removeData();
    },
  };
  // A broker in memory would come back empty: there is no data to restart on.
  if (dataDir !== undefined) {
    handle.restart = async () => {
      await stopGroup(child);
      child = await launch();
      handle.pid = child.pid;
    };
  }
  return handle;
}
