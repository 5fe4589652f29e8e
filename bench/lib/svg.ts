import type { Row, ScenarioResult } from './results.js';

const WIDTH = 1040;
const LABEL = 360; // label column width
const BAR = 260; // longest bar of each of the two charts
const GAP = 60;
const ROW = 18;
const HEADER = 28;
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** Escapes text for SVG content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function colourOf(broker: string, brokers: string[]): string {
  return PALETTE[brokers.indexOf(broker) % PALETTE.length];
}

function compact(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(value >= 10 ? 0 : 2);
}

/** Length of a bar for `value` when `max` gets the full BAR width (0 for missing values). */
export function barLength(value: number | null, max: number): number {
  if (value === null || !Number.isFinite(value) || value <= 0 || max <= 0) return 0;
  return Math.max(1, Math.round((value / max) * BAR));
}

function panel(result: ScenarioResult, top: number, brokers: string[]): { svg: string[]; height: number } {
  const svg: string[] = [];
  const ok = result.rows.filter((row) => !row.error);
  const maxRate = Math.max(0, ...ok.map((row) => row.msgsPerSec));
  const maxP99 = Math.max(0, ...ok.map((row) => row.p99Ms ?? 0));
  const rateX = LABEL;
  const p99X = LABEL + BAR + GAP;
  svg.push(`<text x="8" y="${top + 18}" class="title">${escapeXml(`${result.scenario}: ${result.title}${result.quick ? ' (quick)' : ''}`)}</text>`);
  svg.push(`<text x="${rateX}" y="${top + 18}" class="axis">msgs/s</text><text x="${p99X}" y="${top + 18}" class="axis">p99 latency (ms)</text>`);
  result.rows.forEach((row: Row, i) => {
    const y = top + HEADER + i * ROW;
    svg.push(`<text x="8" y="${y + 13}" class="label">${escapeXml(`${row.broker} · ${row.variant}`)}</text>`);
    if (row.error) {
      svg.push(`<text x="${rateX}" y="${y + 13}" class="error">error</text>`);
      return;
    }
    const fill = colourOf(row.broker, brokers);
    const rate = barLength(row.msgsPerSec, maxRate);
    const p99 = barLength(row.p99Ms, maxP99);
    svg.push(`<rect x="${rateX}" y="${y + 3}" width="${rate}" height="${ROW - 5}" fill="${fill}"/>`);
    svg.push(`<text x="${rateX + rate + 4}" y="${y + 13}" class="value">${compact(row.msgsPerSec)}</text>`);
    if (row.p99Ms !== null) {
      svg.push(`<rect x="${p99X}" y="${y + 3}" width="${p99}" height="${ROW - 5}" fill="${fill}" opacity="0.6"/>`);
      svg.push(`<text x="${p99X + p99 + 4}" y="${y + 13}" class="value">${row.p99Ms.toFixed(2)}</text>`);
    }
  });
  return { svg, height: HEADER + result.rows.length * ROW + 12 };
}

/** A self-contained SVG bar chart of the results: per scenario, msgs/s and p99 latency of every row. */
export function renderSvg(results: ScenarioResult[], generatedAt: string): string {
  const brokers = [...new Set(results.flatMap((result) => result.rows.map((row) => row.broker)))].sort();
  const body: string[] = [];
  let top = 36;
  for (const result of results) {
    const { svg, height } = panel(result, top, brokers);
    body.push(...svg);
    top += height;
  }
  if (results.length === 0) body.push(`<text x="8" y="${top + 16}" class="label">no results yet</text>`);
  const height = top + 24;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">`,
    '<style>text{font-family:sans-serif;font-size:12px}.title{font-weight:bold;font-size:13px}.axis{fill:#555}.value{fill:#333;font-size:11px}.error{fill:#c00}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    `<text x="8" y="20" class="title">${escapeXml(`Switchyard side-by-side benchmarks, ${generatedAt}`)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
