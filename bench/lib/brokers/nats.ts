import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BROKER_CPU, portOpen, startServer, stopGroup } from '../child.js';
import { freePort } from '../ports.js';
import type { BrokerHandle } from './types.js';

/** Starts `nats-server -js` with a file store in a temp dir on a free loopback port. */
export async function startNats(): Promise<BrokerHandle> {
  const storeDir = await mkdtemp(join(tmpdir(), 'bench-nats-'));
  const port = await freePort();
  const args = ['-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', `${port}`];
  const launch = () => startServer('nats-server', 'nats-server', args, { ready: () => portOpen(port), timeoutMs: 30_000 });
  let child = await launch().catch(async (error: unknown) => {
    await rm(storeDir, { recursive: true, force: true });
    throw error;
  });
  const handle: BrokerHandle = {
    kind: 'nats',
    pid: child.pid,
    command: `taskset -c ${BROKER_CPU} nats-server ${args.join(' ')}`,
    durability:
      'JetStream file store, default sync: PubAck after write to the OS page cache, forced fsync only periodically (every 2 min by default; 2.9 has no sync_interval setting); comparable to switchyard --fsync never',
    natsUrl: `127.0.0.1:${port}`,
    alive: () => child.process.exitCode === null && child.process.signalCode === null,
    async restart() {
      await stopGroup(child);
      child = await launch();
      handle.pid = child.pid;
    },
    async stop() {
      await stopGroup(child);
      await rm(storeDir, { recursive: true, force: true });
    },
  };
  return handle;
}
