/** `switchyard serve` as a child process that a Kafka crash test can SIGKILL and start again. */
import { startServeProcess } from '../support/server-process.js';

export { freePort } from '../support/server-process.js';

/** A running server process. */
export interface ServerProcess {
  /** The Kafka listener as printed by the server. */
  kafka: { host: string; port: number };
  /** Kills the process with SIGKILL (no shutdown of any kind) and waits until it is gone. */
  kill(): Promise<void>;
  /** Asks for a clean shutdown (SIGTERM) and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Where and how to start the server. */
export interface ServerProcessOptions {
  dataDir: string;
  /** Kafka port; 0 picks a free one (a restart should reuse the first one so clients reconnect). */
  kafkaPort: number;
  /** Host advertised to Kafka clients in metadata (the listen host is always 127.0.0.1). */
  advertisedHost?: string;
}

/** Starts the server and resolves once it has printed its ready line. */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const args = ['--data-dir', options.dataDir, '--kafka-port', String(options.kafkaPort)];
  if (options.advertisedHost !== undefined) args.push('--advertised-host', options.advertisedHost);
  const server = await startServeProcess(args);
  if (!server.listeners.kafka) throw new Error('the server was ready without printing a kafka listener');
  return { kafka: server.listeners.kafka, kill: () => server.kill(), stop: () => server.stop() };
}
