/** One measured line of a scenario: one broker (or ceiling) under one variant of the load. */
export interface Row {
  /** Broker or reference, e.g. `switchyard`, `rabbitmq-quorum`, `ceiling-append`. */
  broker: string;
  /** Load variant, e.g. `1KiB acks=all`; rows of the same variant are compared with each other. */
  variant: string;
  /** Load generator client, e.g. `amqplib`, `kafkajs`, `kcat`. */
  client: string;
  durability: string;
  messages: number;
  bytes: number;
  seconds: number;
  msgsPerSec: number;
  mbPerSec: number;
  p50Ms: number | null;
  p99Ms: number | null;
  p999Ms: number | null;
  cpuSeconds: number | null;
  peakRssMb: number | null;
  /** Set when the run failed; the figures are then zero or null. */
  error?: string;
  /** Scenario-specific figures (RSS series, backlog size, ...). */
  extra?: Record<string, unknown>;
}

/** Everything one scenario run reports; also the shape of its JSON file. */
export interface ScenarioResult {
  scenario: string;
  title: string;
  /** What the scenario measures, in one or two sentences. */
  measures: string;
  quick: boolean;
  /** ISO time the scenario started. */
  date: string;
  notes: string[];
  /** Exact command line of each broker process used, by broker kind. */
  commands: Record<string, string>;
  rows: Row[];
}

/** True for rows of the broker under test (the left side of every ratio). */
export function isSubject(row: Row): boolean {
  return row.broker.startsWith('switchyard');
}
