/** The Switchyard variants the suite can start: fsync batch, fsync never, and memory storage. */
export type SwitchyardKind = 'switchyard' | 'switchyard-nofsync' | 'switchyard-memory';

/** The brokers and ceilings the suite can start. */
export type BrokerKind = SwitchyardKind | 'rabbitmq' | 'nats' | 'socket-sink';

/** A running broker (or ceiling server) started by the suite, on loopback, pinned to the broker core. */
export interface BrokerHandle {
  kind: BrokerKind;
  /** The process whose CPU and memory are measured (beam.smp for RabbitMQ, nats-server, node). */
  pid: number;
  /** Exact command line it was started with. */
  command: string;
  /** Durability settings in force, in words. */
  durability: string;
  amqpUrl?: string;
  kafkaBrokers?: string[];
  natsUrl?: string;
  /** Port of the raw socket ceiling's sink. */
  sinkPort?: number;
  /** Stops the process and starts it again on the same data and ports (cold caches); only where supported. */
  restart?(): Promise<void>;
  /** False once the process has exited. */
  alive(): boolean;
  /** Stops the process (SIGTERM to its group) and removes its temporary files. */
  stop(): Promise<void>;
}
