import { BROKER_CPU, portOpen, startServer, stopGroup } from '../child.js';
import { freePort } from '../ports.js';
import { REPO_ROOT } from './switchyard.js';
import type { BrokerHandle } from './types.js';

const SCRIPT = 'bench/lib/ceiling/socket-sink.ts';

/** Starts the raw loopback socket ceiling (a Node net server that counts frames and acks them). */
export async function startSocketSink(): Promise<BrokerHandle> {
  const port = await freePort();
  const args = ['--import', 'tsx', SCRIPT, `${port}`];
  const child = await startServer('socket sink', process.execPath, args, { ready: () => portOpen(port), timeoutMs: 30_000, cwd: REPO_ROOT });
  return {
    kind: 'socket-sink',
    pid: child.pid,
    command: `taskset -c ${BROKER_CPU} node ${args.join(' ')}`,
    durability: 'none: bytes are read and counted, never stored',
    sinkPort: port,
    alive: () => child.process.exitCode === null,
    stop: () => stopGroup(child),
  };
}
