import { spawn } from 'node:child_process';
import { onAbort } from './load-kit.js';

/**
 * Runs a command-line client (kcat, a Python client script) to completion: its stdout goes to `onStdout`,
 * it is killed when `signal` aborts, and a non-zero exit fails with the tail of its stderr.
 */
export async function runTool(command: string, args: string[], signal: AbortSignal, onStdout?: (chunk: Buffer) => void): Promise<void> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  onAbort(signal, () => child.kill('SIGTERM'));
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => onStdout?.(chunk));
  child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
  // 'close', not 'exit': only then has all of its output been read.
  const [code, killedBy] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) =>
    child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal])).once('error', reject),
  );
  if (code !== 0) throw new Error(`${command} ${killedBy ? `was killed by ${killedBy}` : `exited ${code}`}: ${errors.trim()}`);
}
