import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BROKER_CPU, portOpen, startServer, stopGroup, waitUntil } from '../child.js';
import { freePort } from '../ports.js';
import { descendants, processName } from '../proc.js';
import type { BrokerHandle } from './types.js';

/** The server script, run directly (not through the Debian wrapper that switches user). */
export const RABBITMQ_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';

/**
 * Starts a private RabbitMQ node on loopback: its own node name, epmd port, mnesia/log/config dirs and HOME
 * in a temp dir, no plugins. Resolves once it accepts AMQP connections (about 10 s); its AMQP 0-9-1 port
 * serves both classic and quorum queues.
 */
export async function startRabbitMq(): Promise<BrokerHandle> {
  const home = await mkdtemp(join(tmpdir(), 'bench-rabbitmq-'));
  const [amqp, dist, epmd] = [await freePort(), await freePort(), await freePort()];
  const config = join(home, 'rabbitmq.conf');
  await writeFile(config, ['disk_free_limit.absolute = 50MB', 'vm_memory_high_watermark.relative = 0.4', ''].join('\n'));
  await writeFile(join(home, 'enabled_plugins'), '[].\n');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    RABBITMQ_NODENAME: `bench${process.pid}@localhost`,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: `${amqp}`,
    RABBITMQ_DIST_PORT: `${dist}`,
    ERL_EPMD_ADDRESS: '127.0.0.1',
    ERL_EPMD_PORT: `${epmd}`,
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    RABBITMQ_MNESIA_BASE: join(home, 'mnesia'),
    RABBITMQ_LOG_BASE: join(home, 'log'),
    RABBITMQ_CONFIG_FILE: config,
    RABBITMQ_ENABLED_PLUGINS_FILE: join(home, 'enabled_plugins'),
    RABBITMQ_PID_FILE: join(home, 'rabbit.pid'),
  };
  const stopEpmd = () => spawnSync('epmd', ['-port', `${epmd}`, '-kill'], { env, stdio: 'ignore', timeout: 5000 });
  const cleanUp = async () => {
    // epmd daemonises out of the process group: ask our private one to exit.
    stopEpmd();
    await rm(home, { recursive: true, force: true });
  };
  const child = await startServer('RabbitMQ', RABBITMQ_SERVER, [], { env, ready: () => portOpen(amqp), timeoutMs: 90_000 }).catch(async (error: unknown) => {
    await cleanUp();
    throw error;
  });
  const beam = [child.pid, ...descendants(child.pid)].find((pid) => processName(pid)?.startsWith('beam'));
  const stop = async () => {
    await stopGroup(child, 30_000);
    // The script can exit before beam.smp has finished shutting down; epmd only quits once it has.
    if (beam !== undefined) {
      await waitUntil('beam.smp to exit', () => processName(beam) === undefined, 30_000).catch(() => process.kill(beam, 'SIGKILL'));
    }
    await cleanUp();
  };
  if (beam === undefined) {
    await stop();
    throw new Error('RabbitMQ started but no beam.smp process was found under it');
  }
  return {
    kind: 'rabbitmq',
    pid: beam,
    command: `taskset -c ${BROKER_CPU} ${RABBITMQ_SERVER} (env: RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=${amqp} ERL_EPMD_ADDRESS=127.0.0.1 RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}', private dirs, no plugins)`,
    durability:
      'classic: persistent messages to durable queues, confirm after the message store fsync; quorum: confirm after the Raft WAL fsync; transient: memory only',
    amqpUrl: `amqp://guest:guest@127.0.0.1:${amqp}`,
    alive: () => child.process.exitCode === null && child.process.signalCode === null,
    stop,
  };
}
