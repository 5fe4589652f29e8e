import type { BrokerKind, SwitchyardKind } from './brokers/types.js';
import type { QueueType } from './loads/amqp.js';
import { appendCeiling, socketFlow } from './loads/ceiling.js';
import type { Measured, Target } from './scenario.js';
import type { SteadyRate } from './load-kit.js';

/** AMQP servers compared: each Switchyard variant, and RabbitMQ with each queue type. */
export type AmqpServer = SwitchyardKind | 'rabbitmq-classic' | 'rabbitmq-quorum';

const AMQP_SERVERS: Record<AmqpServer, { kind: BrokerKind; queueType: QueueType }> = {
  switchyard: { kind: 'switchyard', queueType: 'classic' },
  'switchyard-nofsync': { kind: 'switchyard-nofsync', queueType: 'classic' },
  'switchyard-memory': { kind: 'switchyard-memory', queueType: 'classic' },
  'rabbitmq-classic': { kind: 'rabbitmq', queueType: 'classic' },
  'rabbitmq-quorum': { kind: 'rabbitmq', queueType: 'quorum' },
};

const RABBIT_DURABILITY: Record<QueueType, string> = {
  classic: 'RabbitMQ classic queue: persistent messages confirmed after the message store fsync, transient ones kept in memory',
  quorum: 'RabbitMQ quorum queue (single node): confirm after the Raft WAL fsync',
};

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`broker offers no ${what}`);
  return value;
}

/** One AMQP row per server, running `load(url, queueType)`. */
export function amqpTargets(
  variant: string,
  servers: AmqpServer[],
  load: (url: string, queueType: QueueType, signal: AbortSignal, server: AmqpServer) => Promise<Measured>,
  durability?: (server: AmqpServer) => string | undefined,
): Target[] {
  return servers.map((server) => {
    const { kind, queueType } = AMQP_SERVERS[server];
    return {
      broker: server,
      variant,
      client: 'amqplib',
      kind,
      durability: durability?.(server) ?? (kind === 'rabbitmq' ? RABBIT_DURABILITY[queueType] : undefined),
      run: (broker, signal) => load(need(broker?.amqpUrl, 'AMQP listener'), queueType, signal, server),
    };
  });
}

/** Kafka-protocol rows, one per Switchyard variant, running `load(bootstrap brokers)`. */
export function kafkaTargets(variant: string, kinds: SwitchyardKind[], client: string, load: (brokers: string[], signal: AbortSignal) => Promise<Measured>): Target[] {
  return kinds.map((kind) => ({ broker: kind, variant, client, kind, run: (broker, signal) => load(need(broker?.kafkaBrokers, 'Kafka listener'), signal) }));
}

/** The NATS JetStream row (the log-model reference) running `load(server url)`. */
export function natsTarget(variant: string, load: (natsUrl: string, signal: AbortSignal) => Promise<Measured>): Target {
  return { broker: 'nats-jetstream', variant, client: 'nats.js', kind: 'nats', run: (broker, signal) => load(need(broker?.natsUrl, 'NATS listener'), signal) };
}

/** The raw loopback socket ceiling row: one connection, same message size, `window` unacknowledged frames. */
export function socketCeiling(variant: string, size: number, count: number, window: number, steady?: SteadyRate): Target {
  return {
    broker: 'ceiling-socket',
    variant,
    client: 'node net',
    kind: 'socket-sink',
    run: (broker, signal) => socketFlow({ port: broker!.sinkPort!, size, count, window, steady }, signal),
  };
}

/** The raw sequential append ceiling row: `window` messages per write, one fdatasync per window under `batch`. */
export function appendCeilingTarget(variant: string, size: number, count: number, window: number, fsync: 'batch' | 'never' = 'batch'): Target {
  return {
    broker: 'ceiling-append',
    variant,
    client: 'node fs',
    durability: fsync === 'batch' ? `write(2) of ${window} messages, then one fdatasync` : `write(2) of ${window} messages, no fsync`,
    run: (_broker, signal) => appendCeiling(size, count, window, fsync, signal),
  };
}
