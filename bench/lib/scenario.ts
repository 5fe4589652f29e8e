import type { BrokerPool } from './brokers/pool.js';
import type { BrokerHandle, BrokerKind } from './brokers/types.js';
import { Histogram } from './histogram.js';
import { ProcessMeter, type ProcessUsage } from './proc.js';
import type { Row, ScenarioResult } from './results.js';

/** Latency percentiles already computed elsewhere (by a child process), in milliseconds. */
export interface LatencySummary {
  p50: number | null;
  p99: number | null;
  p999: number | null;
}

/** What one load run reports. */
export interface Measured {
  messages: number;
  bytes: number;
  seconds: number;
  latency?: Histogram | LatencySummary;
  /** Usage measured by the process itself (ceilings that run as short-lived children). */
  usage?: { cpuSeconds: number; peakRssBytes: number };
  extra?: Record<string, unknown>;
}

/** One row to measure: a broker process (or none for self-measured ceilings) and the load to run on it. */
export interface Target {
  broker: string;
  variant: string;
  client: string;
  /** Broker process to start and meter; omit for a ceiling that measures itself. */
  kind?: BrokerKind;
  /** Durability in words; defaults to the broker's own statement. */
  durability?: string;
  /** Keep the broker's RSS samples in the row's extra figures (for memory-bound checks). */
  keepRssSeries?: boolean;
  /** Unmeasured set-up before metering starts (filling a topic, restarting the broker for cold reads). */
  prepare?(broker: BrokerHandle | undefined, signal: AbortSignal): Promise<void>;
  run(broker: BrokerHandle | undefined, signal: AbortSignal): Promise<Measured>;
}

/** A benchmark scenario: its rows, built for full or quick size. */
export interface Scenario {
  name: string;
  title: string;
  measures: string;
  targets(quick: boolean): Target[];
  /** Remarks printed under the table (client choice, pending features, ...). */
  notes?(quick: boolean): string[];
  /** Remarks drawn from the measured rows, added after the run. */
  findings?(rows: Row[]): string[];
}

/** How a scenario is run. */
export interface RunOptions {
  quick: boolean;
  /** How long one target may run before it is reported as an error (default 90 s quick, 15 min full). */
  timeoutMs?: number;
  /** Called with every row as soon as it is measured. */
  onRow?: (row: Row) => void;
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
}

function latencyOf(measured: Measured): LatencySummary {
  if (measured.latency instanceof Histogram) return measured.latency.summaryMillis();
  return measured.latency ?? { p50: null, p99: null, p999: null };
}

/** Turns a load's figures and the broker's usage into a table row. */
function toRow(target: Target, durability: string, measured: Measured, usage: Pick<ProcessUsage, 'cpuSeconds' | 'peakRssBytes'> | undefined): Row {
  const latency = latencyOf(measured);
  const seconds = measured.seconds;
  return {
    broker: target.broker,
    variant: target.variant,
    client: target.client,
    durability,
    messages: measured.messages,
    bytes: measured.bytes,
    seconds,
    msgsPerSec: seconds > 0 ? measured.messages / seconds : 0,
    mbPerSec: seconds > 0 ? measured.bytes / seconds / 1e6 : 0,
    p50Ms: latency.p50,
    p99Ms: latency.p99,
    p999Ms: latency.p999,
    cpuSeconds: usage && Number.isFinite(usage.cpuSeconds) ? usage.cpuSeconds : null,
    peakRssMb: usage && usage.peakRssBytes > 0 ? usage.peakRssBytes / 1e6 : null,
    extra: measured.extra,
  };
}

function errorRow(target: Target, durability: string, error: unknown): Row {
  const row = toRow(target, durability, { messages: 0, bytes: 0, seconds: 0 }, undefined);
  return { ...row, error: error instanceof Error ? error.message : String(error) };
}

async function runTarget(target: Target, pool: BrokerPool, timeoutMs: number, commands: Record<string, string>): Promise<Row> {
  let broker: BrokerHandle | undefined;
  try {
    broker = target.kind ? await pool.get(target.kind) : undefined;
  } catch (error) {
    return errorRow(target, target.durability ?? '(broker did not start)', error);
  }
  if (broker) commands[broker.kind] = broker.command;
  const durability = target.durability ?? broker?.durability ?? '';
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs / 1000} s`)), timeoutMs);
  // A client library that throws from a callback must fail this row, not the whole suite.
  const crash = (error: unknown) => controller.abort(error instanceof Error ? error : new Error(String(error)));
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  let meter: ProcessMeter | undefined;
  try {
    if (target.prepare) await Promise.race([target.prepare(broker, controller.signal), rejectOnAbort(controller.signal)]);
    meter = broker ? new ProcessMeter(broker.pid) : undefined;
    const measured = await Promise.race([target.run(broker, controller.signal), rejectOnAbort(controller.signal)]);
    const usage = meter?.stop();
    const row = toRow(target, durability, measured, measured.usage ?? usage);
    if (target.keepRssSeries && usage) row.extra = { ...row.extra, rssSeries: usage.rssSeries };
    return row;
  } catch (error) {
    meter?.stop();
    controller.abort(error);
    // A broker that failed a load may be wedged: give the next row a fresh one (cheap for Switchyard).
    if (target.kind?.startsWith('switchyard') || (broker && !broker.alive())) await pool.discard(target.kind!);
    return errorRow(target, durability, error);
  } finally {
    clearTimeout(timer);
    process.off('uncaughtException', crash);
    process.off('unhandledRejection', crash);
  }
}

/** Runs every target of a scenario in order; a failing target becomes an error row and the rest go on. */
export async function runScenario(scenario: Scenario, pool: BrokerPool, options: RunOptions): Promise<ScenarioResult> {
  const { quick } = options;
  const timeoutMs = options.timeoutMs ?? (quick ? 90_000 : 15 * 60_000);
  const result: ScenarioResult = {
    scenario: scenario.name,
    title: scenario.title,
    measures: scenario.measures,
    quick,
    date: new Date().toISOString(),
    notes: scenario.notes?.(quick) ?? [],
    commands: {},
    rows: [],
  };
  for (const target of scenario.targets(quick)) {
    const row = await runTarget(target, pool, timeoutMs, result.commands);
    result.rows.push(row);
    options.onRow?.(row);
  }
  result.notes.push(...(scenario.findings?.(result.rows) ?? []));
  return result;
}
