import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSubject, type Row, type ScenarioResult } from './results.js';

const COLUMNS: [string, (row: Row) => string][] = [
  ['broker', (r) => r.broker],
  ['variant', (r) => r.variant],
  ['client', (r) => r.client],
  ['msgs/s', (r) => number(r.msgsPerSec, 0)],
  ['MB/s', (r) => number(r.mbPerSec, 1)],
  ['p50 ms', (r) => number(r.p50Ms, 3)],
  ['p99 ms', (r) => number(r.p99Ms, 3)],
  ['p99.9 ms', (r) => number(r.p999Ms, 3)],
  ['CPU s', (r) => number(r.cpuSeconds, 2)],
  ['peak RSS MB', (r) => number(r.peakRssMb, 0)],
];

function number(value: number | null, digits: number): string {
  if (value === null || !Number.isFinite(value)) return '-';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** The scenario's table: one line per row, errors spelled out instead of figures. */
export function formatTable(result: ScenarioResult): string {
  const cells = result.rows.map((row) => COLUMNS.map(([, cell], i) => (row.error && i >= 3 ? '' : cell(row))));
  const widths = COLUMNS.map(([title], i) => Math.max(title.length, ...cells.map((line) => line[i].length)));
  const line = (values: string[]) => values.map((v, i) => (i < 3 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ').trimEnd();
  const out = [line(COLUMNS.map(([title]) => title)), widths.map((w) => '-'.repeat(w)).join('  ')];
  result.rows.forEach((row, i) => {
    const prefix = line(cells[i].slice(0, 3).concat(Array(COLUMNS.length - 3).fill('')));
    out.push(row.error ? `${prefix.trimEnd()}  ERROR: ${firstLine(row.error)}` : line(cells[i]));
  });
  return out.join('\n');
}

function firstLine(text: string): string {
  const first = text.split('\n').find((l) => l.trim() !== '') ?? text;
  return first.length > 160 ? `${first.slice(0, 157)}...` : first;
}

function ratio(a: number | null, b: number | null): string {
  if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '-';
  return `${(a / b).toFixed(2)}x`;
}

/**
 * One line per (subject row, reference row) pair of the same variant: throughput, p99 latency and CPU
 * seconds per message of the broker under test divided by the reference's. Where a variant measures the
 * broker under test with several clients, each line names its client.
 */
export function ratioLines(result: ScenarioResult): string[] {
  const ok = result.rows.filter((row) => !row.error);
  const lines: string[] = [];
  for (const subject of ok.filter(isSubject)) {
    const clients = result.rows.filter((row) => row.broker === subject.broker && row.variant === subject.variant).length;
    const name = clients > 1 ? `${subject.broker} (${subject.client})` : subject.broker;
    for (const reference of ok.filter((row) => row.variant === subject.variant && !isSubject(row))) {
      const cpuPerMessage = (row: Row) => (row.cpuSeconds === null || row.messages === 0 ? null : row.cpuSeconds / row.messages);
      lines.push(
        `ratio ${name} / ${reference.broker} [${subject.variant}]: ` +
          `msgs/s ${ratio(subject.msgsPerSec, reference.msgsPerSec)}, p99 ${ratio(subject.p99Ms, reference.p99Ms)}, ` +
          `CPU/msg ${ratio(cpuPerMessage(subject), cpuPerMessage(reference))}`,
      );
    }
  }
  return lines;
}

/** One durability line per broker, or per broker and variant where its settings differ between variants. */
export function durabilityLines(rows: Row[]): string[] {
  const lines: string[] = [];
  for (const broker of new Set(rows.map((row) => row.broker))) {
    const own = rows.filter((row) => row.broker === broker);
    const settings = new Set(own.map((row) => row.durability));
    if (settings.size === 1) lines.push(`durability ${broker}: ${own[0].durability}`);
    else for (const row of own) lines.push(`durability ${broker} [${row.variant}]: ${row.durability}`);
  }
  return lines;
}

/** The full text report of one scenario: title, table, ratios, durability per broker, notes. */
export function formatScenario(result: ScenarioResult): string {
  return [
    `== ${result.scenario}: ${result.title}${result.quick ? ' (quick)' : ''}`,
    formatTable(result),
    ...ratioLines(result),
    ...durabilityLines(result.rows),
    ...result.notes.map((note) => `note: ${note}`),
    '',
  ].join('\n');
}

/** Writes the result as `<dir>/<scenario>.<timestamp>.json` and `<dir>/<scenario>.latest.json`; returns the first path. */
export function writeResult(dir: string, result: ScenarioResult): string {
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(result, null, 2)}\n`;
  const stamped = join(dir, `${result.scenario}.${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(stamped, text);
  writeFileSync(join(dir, `${result.scenario}.latest.json`), text);
  return stamped;
}
