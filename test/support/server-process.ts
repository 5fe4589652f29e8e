/** `switchyard serve` as a child process, for tests that signal or SIGKILL it and start it again. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

const SERVE = ['--import', 'tsx', 'src/cli/run.ts', 'serve'];
const LISTENING = /^switchyard: (\w+) listening on \w+:\/\/([\d.]+):(\d+)$/;

/** A running server process. */
export interface ServeProcess {
  child: ChildProcess;
  /** Every line the server printed up to and including its ready line. */
  lines: string[];
  /** The listeners the server printed, by protocol. */
  listeners: Record<string, { host: string; port: number }>;
  /** Kills the process with SIGKILL (no shutdown of any kind) and waits until it is gone. */
  kill(): Promise<void>;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `switchyard serve` with `args` and resolves once it has printed its ready line. Unless `args` name
 * them, ports default to 0 and the host to 127.0.0.1; `withDefaults: false` passes `args` alone.
 */
export async function startServeProcess(args: string[], env: NodeJS.ProcessEnv = {}, withDefaults = true): Promise<ServeProcess> {
  const defaults = withDefaults ? ['--host', '127.0.0.1', '--amqp-port', '0', '--kafka-port', '0', '--http-port', '0'] : [];
  const chosen: string[] = [];
  for (let i = 0; i < defaults.length; i += 2) if (!args.includes(defaults[i])) chosen.push(defaults[i], defaults[i + 1]);
  const child = spawn(process.execPath, [...SERVE, ...chosen, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: string[] = [];
  const listeners: ServeProcess['listeners'] = {};
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      const match = LISTENING.exec(line);
      if (match) listeners[match[1]] = { host: match[2], port: Number(match[3]) };
      if (line.startsWith('switchyard: ready')) resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`server exited (${code ?? signal}) before it was ready: ${stderr}`)));
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    lines,
    listeners,
    async kill() {
      if (running()) child.kill('SIGKILL');
      await exited;
    },
    async stop(signal = 'SIGTERM') {
      if (running()) child.kill(signal);
      await exited;
      return child.exitCode;
    },
  };
}

/** A TCP port that was free a moment ago on `host` (for a server that must come back on the same port). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
