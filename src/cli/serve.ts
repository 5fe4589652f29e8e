import { parseArgs } from 'node:util';
import { Broker, type BrokerOptions } from '../broker.js';
import type { FsyncMode } from '../storage/types.js';

/** Help text of `switchyard serve`. */
export const SERVE_HELP = `Usage: switchyard serve [options]

Runs the broker until SIGTERM or SIGINT, then shuts down cleanly (stop accepting, flush, fsync, exit 0).

Options (each also readable from the environment variable shown):
  --data-dir DIR           data directory                      SWITCHYARD_DATA_DIR       (./data)
  --host H                 address to listen on                SWITCHYARD_HOST           (127.0.0.1)
  --amqp-port N            AMQP 0-9-1 port, 0 = any free port  SWITCHYARD_AMQP_PORT      (5672)
  --kafka-port N           Kafka port, 0 = any free port       SWITCHYARD_KAFKA_PORT     (9092)
  --http-port N            admin API port, 0 = any free port   SWITCHYARD_HTTP_PORT      (15672)
  --advertised-host H      host Kafka clients are told to use  SWITCHYARD_ADVERTISED_HOST (the listen host)
  --fsync MODE             always | batch | never              SWITCHYARD_FSYNC          (batch)
                           batch: acknowledge after one fdatasync shared by every write in its window;
                           always: one fdatasync per write; never: after the write alone (unsafe on power loss)
  -h, --help               show this help
`;

const FSYNC_MODES: readonly FsyncMode[] = ['always', 'batch', 'never'];

/** Turns `serve` flags and SWITCHYARD_* environment variables into broker options (flags win). */
export function serveOptions(argv: string[], env: NodeJS.ProcessEnv): BrokerOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      host: { type: 'string' },
      'amqp-port': { type: 'string' },
      'kafka-port': { type: 'string' },
      'http-port': { type: 'string' },
      'advertised-host': { type: 'string' },
      fsync: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const setting = (flag: keyof typeof values, variable: string) => (values[flag] as string | undefined) ?? env[variable];
  const fsync = (setting('fsync', 'SWITCHYARD_FSYNC') ?? 'batch') as FsyncMode;
  if (!FSYNC_MODES.includes(fsync)) throw new Error(`--fsync must be one of ${FSYNC_MODES.join(', ')}, not '${fsync}'`);
  const advertisedHost = setting('advertised-host', 'SWITCHYARD_ADVERTISED_HOST');
  return {
    dataDir: setting('data-dir', 'SWITCHYARD_DATA_DIR') ?? 'data',
    host: setting('host', 'SWITCHYARD_HOST') ?? '127.0.0.1',
    fsync,
    amqp: { port: portSetting('--amqp-port', setting('amqp-port', 'SWITCHYARD_AMQP_PORT'), 5672) },
    kafka: { port: portSetting('--kafka-port', setting('kafka-port', 'SWITCHYARD_KAFKA_PORT'), 9092), advertisedHost },
    http: { port: portSetting('--http-port', setting('http-port', 'SWITCHYARD_HTTP_PORT'), 15672) },
  };
}

function portSetting(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number from 0 to 65535, not '${text}'`);
  return port;
}

/** Runs the broker in the foreground: prints one line per listener, shuts down cleanly on SIGTERM/SIGINT. */
export async function serve(options: BrokerOptions): Promise<void> {
  const broker = await Broker.start(options);
  // Signal handlers go in before the ready line, so a supervisor that signals on seeing it is obeyed.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`switchyard: ${signal} received, shutting down`);
    broker.close().then(
      () => {
        console.log('switchyard: stopped cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('switchyard: shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  for (const [protocol, address] of Object.entries(broker.addresses)) {
    console.log(`switchyard: ${protocol} listening on ${protocol}://${address.host}:${address.port}`);
  }
  console.log(`switchyard: ready (data in ${options.storage === 'memory' ? 'memory' : options.dataDir}, fsync ${options.fsync})`);
}
