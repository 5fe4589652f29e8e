import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { RABBITMQ_SERVER } from './brokers/rabbitmq.js';

function has(command: string): boolean {
  return spawnSync('which', [command], { stdio: 'ignore' }).status === 0;
}

/**
 * Makes sure the reference brokers and kcat are installed, installing the Debian packages that are missing
 * (only possible as root). Returns what is still missing afterwards.
 */
export function ensureReferences(): string[] {
  const packages = [
    ['rabbitmq-server', existsSync(RABBITMQ_SERVER)],
    ['nats-server', has('nats-server')],
    ['kcat', has('kcat')],
  ] as const;
  const missing = packages.filter(([, present]) => !present).map(([name]) => name);
  if (missing.length > 0 && process.getuid?.() === 0) {
    console.log(`installing ${missing.join(', ')} from Debian...`);
    spawnSync('apt-get', ['install', '-y', ...missing], { stdio: 'inherit' });
  }
  return missing.filter((name) => (name === 'rabbitmq-server' ? !existsSync(RABBITMQ_SERVER) : !has(name)));
}
