/** `switchyard serve` as a child process that the AMQP crash test can SIGKILL and start again. */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const LISTENING = /^switchyard: (\w+) listening on \w+:\/\/([\d.]+):(\d+)$/;

/** A running server process. */
export interface AmqpServerProcess {
  /** `amqp://guest:guest@H:P`, from the listener line the server printed. */
  url: string;
  /** Kills the process with SIGKILL (no shutdown of any kind) and waits until it is gone. */
  kill(): Promise<void>;
}

/** Starts the server on free loopback ports over `dataDir`; resolves once it printed its ready line. */
export async function startAmqpServerProcess(dataDir: string): Promise<AmqpServerProcess> {
  const args = ['--import', 'tsx', 'src/cli/run.ts', 'serve', '--data-dir', dataDir, '--host', '127.0.0.1', '--amqp-port', '0', '--kafka-port', '0', '--http-port', '0'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let amqp: string | undefined;
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = LISTENING.exec(line);
      if (match?.[1] === 'amqp') amqp = `amqp://guest:guest@${match[2]}:${match[3]}`;
      if (!line.startsWith('switchyard: ready')) return;
      if (amqp) resolve(amqp);
      else reject(new Error(`the server was ready without printing an amqp listener`));
    });
    child.once('exit', (code, signal) => reject(new Error(`server exited (${code ?? signal}) before it was ready: ${stderr}`)));
  });
  return {
    url,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
