/** `switchyard serve` as a child process that the AMQP crash test can SIGKILL and start again. */
import { startServeProcess } from '../support/server-process.js';

/** A running server process. */
export interface AmqpServerProcess {
  /** `amqp://guest:guest@H:P`, from the listener line the server printed. */
  url: string;
  /** Kills the process with SIGKILL (no shutdown of any kind) and waits until it is gone. */
  kill(): Promise<void>;
}

/** Starts the server on free loopback ports over `dataDir`; resolves once it printed its ready line. */
export async function startAmqpServerProcess(dataDir: string): Promise<AmqpServerProcess> {
  const server = await startServeProcess(['--data-dir', dataDir]);
  const amqp = server.listeners.amqp;
  if (!amqp) throw new Error('the server was ready without printing an amqp listener');
  return { url: `amqp://guest:guest@${amqp.host}:${amqp.port}`, kill: () => server.kill() };
}
