import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';

/** Core the brokers and ceiling processes run on. */
export const BROKER_CPU = '1';
/** Core the load generator (the suite itself, kcat) runs on. */
export const LOADGEN_CPU = '0';

/** True when `taskset` exists and the machine has the cores we pin to. */
export const canPin = spawnSync('taskset', ['-c', BROKER_CPU, 'true']).status === 0;

/** A child started in its own process group, with its output kept for error messages. */
export interface Child {
  process: ChildProcess;
  pid: number;
  /** Last few kilobytes of stdout and stderr. */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

/**
 * Starts `command` pinned to `cpu` (via taskset, which execs, so the pid is the command's own) in a new
 * process group, so that `stop` can signal it together with whatever it forks.
 */
function spawnPinned(command: string, args: string[], options: { cpu: string; env?: NodeJS.ProcessEnv; cwd?: string }): Child {
  const [file, argv] = canPin ? ['taskset', ['-c', options.cpu, command, ...args]] : [command, args];
  const child = spawn(file, argv, { env: options.env ?? process.env, cwd: options.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (error) => {
      tail += `\n${error.message}`;
      resolve(null);
    });
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  return { process: child, pid: child.pid, output: () => tail, exited };
}

/** Sends SIGTERM to the child's process group, then SIGKILL after `graceMs` if it is still running. */
export async function stopGroup(child: Child, graceMs = 15_000): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid, name);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** Polls `check` every `everyMs` until it returns true; throws with `what` after `timeoutMs`, or what `check` throws. */
export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Resolves true once something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts a server pinned to the broker core and waits until `ready` says yes. If it exits or times out
 * first, stops it and throws with the tail of its output.
 */
export async function startServer(
  what: string,
  command: string,
  args: string[],
  options: { ready: () => Promise<boolean> | boolean; timeoutMs: number; env?: NodeJS.ProcessEnv; cwd?: string },
): Promise<Child> {
  const child = spawnPinned(command, args, { cpu: BROKER_CPU, env: options.env, cwd: options.cwd });
  try {
    await waitUntil(
      what,
      () => {
        if (child.process.exitCode !== null) throw new Error(`${what} exited with code ${child.process.exitCode}`);
        return options.ready();
      },
      options.timeoutMs,
      250,
    );
    return child;
  } catch (error) {
    await stopGroup(child);
    throw new Error(`${what} did not start: ${(error as Error).message}\n${child.output()}`);
  }
}
