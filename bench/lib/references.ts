import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { RABBITMQ_SERVER } from './brokers/rabbitmq.js';
import { DEBIAN_PYTHON } from './loads/rdkafka.js';

function has(command: string): boolean {
  return spawnSync('which', [command], { stdio: 'ignore' }).status === 0;
}

function hasPythonModule(module: string): boolean {
  return spawnSync(DEBIAN_PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

/** Each Debian package the suite needs, and how to tell it is installed. */
const PACKAGES: [name: string, installed: () => boolean][] = [
  ['rabbitmq-server', () => existsSync(RABBITMQ_SERVER)],
  ['nats-server', () => has('nats-server')],
  ['kcat', () => has('kcat')],
  ['python3-confluent-kafka', () => hasPythonModule('confluent_kafka')],
];

/**
 * Makes sure the reference brokers and the command-line clients (kcat, confluent-kafka for Python) are
 * installed, installing the Debian packages that are missing (only possible as root). Returns what is
 * still missing afterwards.
 */
export function ensureReferences(): string[] {
  const missing = PACKAGES.filter(([, installed]) => !installed());
  if (missing.length > 0 && process.getuid?.() === 0) {
    console.log(`installing ${missing.map(([name]) => name).join(', ')} from Debian...`);
    spawnSync('apt-get', ['install', '-y', ...missing.map(([name]) => name)], { stdio: 'inherit' });
  }
  return missing.filter(([, installed]) => !installed()).map(([name]) => name);
}
