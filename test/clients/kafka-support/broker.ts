/** Brokers and client plumbing shared by the Kafka client tests. */
import { execFile, spawnSync } from 'node:child_process';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { StreamBroker } from '../../../src/core/streams/index.js';
import { startKafkaServer } from '../../../src/kafka/server.js';
import { MemoryLogStore } from '../../../src/storage/memory-store.js';
import { startTestBroker } from '../../support/broker.js';

/** A running broker as a Kafka client sees it. */
export interface KafkaTestBroker {
  /** `host:port` bootstrap addresses. */
  brokers: string[];
  close(): Promise<void>;
}

/** The full broker (file storage in a temporary directory) with its Kafka listener. */
export async function startKafkaBroker(): Promise<KafkaTestBroker> {
  const test = await startTestBroker();
  return { brokers: test.kafkaBrokers, close: () => test.close() };
}

/** Only the Kafka listener over an in-memory store, for listener options the full broker does not expose. */
export async function startKafkaListener(options: { saslUsers?: { username: string; password: string }[]; maxRequestBytes?: number } = {}): Promise<KafkaTestBroker> {
  const store = new MemoryLogStore();
  const streams = await StreamBroker.open(store);
  const listener = await startKafkaServer(streams, { host: '127.0.0.1', port: 0, ...options });
  return {
    brokers: [`127.0.0.1:${listener.address.port}`],
    async close() {
      await listener.close();
      await streams.close();
      await store.close();
    },
  };
}

/** A kafkajs client with quiet logs and short retries. */
export function kafkajsClient(brokers: string[], extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({ clientId: 'switchyard-test', brokers, logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 }, ...extra });
}

/** Whether a command can be run (`which`). */
export function toolAvailable(command: string): boolean {
  return spawnSync('which', [command]).status === 0;
}

/** Whether a Python module imports under /usr/bin/python3. */
export function pythonModuleAvailable(module: string): boolean {
  return spawnSync('/usr/bin/python3', ['-c', `import ${module}`]).status === 0;
}

/** Runs a command to completion, optionally feeding stdin; rejects with its stderr on failure. */
export function run(command: string, args: string[], options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { timeout: options.timeoutMs ?? 60_000, env: options.env ?? process.env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
    else child.stdin!.end();
  });
}

/** Runs a Python client script of test/clients/kafka-python and parses its JSON output. */
export async function runPythonClient<T>(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<T> {
  const path = new URL(`../kafka-python/${script}`, import.meta.url).pathname;
  const out = await run('/usr/bin/python3', [path, ...args], { env: { ...process.env, ...env }, timeoutMs: 90_000 });
  return JSON.parse(out.trim().split('\n').pop()!) as T;
}
