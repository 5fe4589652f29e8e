import { parseArgs } from 'node:util';
import { Broker, type BrokerOptions } from '../broker.js';
import type { FsyncMode } from '../storage/types.js';

/** Help text of `switchyard serve`. */
export const SERVE_HELP = `Usage: switchyard serve [options]

Runs the broker until SIGTERM or SIGINT, then shuts down cleanly (stop accepting, flush, fsync, exit 0).

Options (each also readable from the environment variable shown):
  --storage KIND           file | memory                       SWITCHYARD_STORAGE        (file)
                           file: durable logs in the data directory, one broker per directory (pid lock);
                           memory: every message stays in the heap and nothing survives a restart; no data
                           directory is used or locked and --fsync does not apply (for benchmarks and tests)
  --data-dir DIR           data directory                      SWITCHYARD_DATA_DIR       (./data)
  --host H                 address to listen on                SWITCHYARD_HOST           (127.0.0.1)
  --amqp-port N            AMQP 0-9-1 port, 0 = any free port  SWITCHYARD_AMQP_PORT      (5672)
  --kafka-port N           Kafka port, 0 = any free port       SWITCHYARD_KAFKA_PORT     (9092)
  --http-port N            admin API port, 0 = any free port   SWITCHYARD_HTTP_PORT      (15672)
  --advertised-host H      host Kafka clients are told to use  SWITCHYARD_ADVERTISED_HOST (the listen host)
  --fsync MODE             always | batch | never              SWITCHYARD_FSYNC          (batch)
                           batch: acknowledge after one fdatasync shared by every write in its window;
                           always: one fdatasync per write; never: after the write alone (unsafe on power loss)
  --user NAME:PASSWORD     an AMQP user (repeat for more)      SWITCHYARD_USERS (comma-separated)
                           without any, the user guest/guest may connect from loopback only
  --kafka-sasl             Kafka clients must log in (SASL PLAIN or SCRAM-SHA-256) as one of the users
                                                               SWITCHYARD_KAFKA_SASL=true
  --max-message-bytes N    largest AMQP message accepted       SWITCHYARD_MAX_MESSAGE_BYTES (134217728)
  -h, --help               show this help
`;

const FSYNC_MODES: readonly FsyncMode[] = ['always', 'batch', 'never'];
const STORAGE_KINDS: readonly NonNullable<BrokerOptions['storage']>[] = ['file', 'memory'];

/** Turns `serve` flags and SWITCHYARD_* environment variables into broker options (flags win). */
export function serveOptions(argv: string[], env: NodeJS.ProcessEnv): BrokerOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      storage: { type: 'string' },
      'data-dir': { type: 'string' },
      host: { type: 'string' },
      'amqp-port': { type: 'string' },
      'kafka-port': { type: 'string' },
      'http-port': { type: 'string' },
      'advertised-host': { type: 'string' },
      fsync: { type: 'string' },
      user: { type: 'string', multiple: true },
      'kafka-sasl': { type: 'boolean' },
      'max-message-bytes': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const setting = (flag: 'storage' | 'data-dir' | 'host' | 'amqp-port' | 'kafka-port' | 'http-port' | 'advertised-host' | 'fsync' | 'max-message-bytes', variable: string) =>
    values[flag] ?? env[variable];
  const storage = (setting('storage', 'SWITCHYARD_STORAGE') ?? 'file') as NonNullable<BrokerOptions['storage']>;
  if (!STORAGE_KINDS.includes(storage)) throw new Error(`--storage must be one of ${STORAGE_KINDS.join(', ')}, not '${storage}'`);
  const fsync = (setting('fsync', 'SWITCHYARD_FSYNC') ?? 'batch') as FsyncMode;
  if (!FSYNC_MODES.includes(fsync)) throw new Error(`--fsync must be one of ${FSYNC_MODES.join(', ')}, not '${fsync}'`);
  const advertisedHost = setting('advertised-host', 'SWITCHYARD_ADVERTISED_HOST');
  const users = parseUsers(values.user ?? env.SWITCHYARD_USERS?.split(',').filter(Boolean) ?? []);
  const kafkaSasl = values['kafka-sasl'] === true || env.SWITCHYARD_KAFKA_SASL === 'true';
  if (kafkaSasl && users.length === 0) throw new Error('--kafka-sasl needs at least one --user');
  const maxMessageText = setting('max-message-bytes', 'SWITCHYARD_MAX_MESSAGE_BYTES');
  const maxMessageBytes = maxMessageText === undefined ? undefined : Number(maxMessageText);
  if (maxMessageBytes !== undefined && !(Number.isSafeInteger(maxMessageBytes) && maxMessageBytes > 0)) {
    throw new Error(`--max-message-bytes must be a whole number of bytes, not '${maxMessageText}'`);
  }
  return {
    storage,
    // The memory store has no directory and no disk to sync.
    ...(storage === 'file' ? { dataDir: setting('data-dir', 'SWITCHYARD_DATA_DIR') ?? 'data', fsync } : {}),
    host: setting('host', 'SWITCHYARD_HOST') ?? '127.0.0.1',
    amqp: {
      port: portSetting('--amqp-port', setting('amqp-port', 'SWITCHYARD_AMQP_PORT'), 5672),
      users: users.length > 0 ? users : undefined,
      maxMessageBytes,
    },
    kafka: {
      port: portSetting('--kafka-port', setting('kafka-port', 'SWITCHYARD_KAFKA_PORT'), 9092),
      advertisedHost,
      saslUsers: kafkaSasl ? users : undefined,
    },
    http: { port: portSetting('--http-port', setting('http-port', 'SWITCHYARD_HTTP_PORT'), 15672) },
  };
}

function parseUsers(pairs: string[]): { username: string; password: string }[] {
  return pairs.map((pair) => {
    const colon = pair.indexOf(':');
    if (colon <= 0) throw new Error(`a user is NAME:PASSWORD, not '${pair}'`);
    return { username: pair.slice(0, colon), password: pair.slice(colon + 1) };
  });
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
  const data = options.storage === 'memory' ? 'memory, nothing survives a restart' : `${options.dataDir}, fsync ${options.fsync}`;
  console.log(`switchyard: ready (data in ${data})`);
}
