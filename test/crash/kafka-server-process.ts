/** `switchyard serve` as a child process that a Kafka crash test can SIGKILL and start again. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

const CLI = ['--import', 'tsx', 'src/cli/run.ts', 'serve'];
const KAFKA_LINE = /^switchyard: kafka listening on kafka:\/\/([\d.]+):(\d+)$/;

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
  const args = [...CLI, '--data-dir', options.dataDir, '--host', '127.0.0.1', '--amqp-port', '0', '--http-port', '0', '--kafka-port', String(options.kafkaPort)];
  if (options.advertisedHost !== undefined) args.push('--advertised-host', options.advertisedHost);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const kafka = await readyAddress(child);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    kafka,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      return child.exitCode;
    },
  };
}

function readyAddress(child: ChildProcess): Promise<{ host: string; port: number }> {
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  return new Promise((resolve, reject) => {
    let kafka: { host: string; port: number } | undefined;
    lines.on('line', (line) => {
      const match = KAFKA_LINE.exec(line);
      if (match) kafka = { host: match[1], port: Number(match[2]) };
      if (!line.startsWith('switchyard: ready')) return;
      if (kafka) resolve(kafka);
      else reject(new Error('the server was ready without printing a kafka listener'));
    });
    child.once('exit', (code, signal) => reject(new Error(`server exited (${code ?? signal}) before it was ready: ${stderr}`)));
  });
}

/** A TCP port that was free a moment ago on `host`. */
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
