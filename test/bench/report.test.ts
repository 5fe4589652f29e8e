import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { durabilityLines, formatScenario, formatTable, ratioLines, writeResult } from '../../bench/lib/report.js';
import type { Row, ScenarioResult } from '../../bench/lib/results.js';
import { barLength, escapeXml, renderSvg } from '../../bench/lib/svg.js';

function row(broker: string, variant: string, msgsPerSec: number, p99Ms: number | null, extra: Partial<Row> = {}): Row {
  return {
    broker,
    variant,
    client: 'amqplib',
    durability: `${broker} durability`,
    messages: msgsPerSec * 2,
    bytes: msgsPerSec * 2 * 1024,
    seconds: 2,
    msgsPerSec,
    mbPerSec: (msgsPerSec * 1024) / 1e6,
    p50Ms: p99Ms === null ? null : p99Ms / 2,
    p99Ms,
    p999Ms: p99Ms === null ? null : p99Ms * 2,
    cpuSeconds: 1,
    peakRssMb: 100,
    ...extra,
  };
}

function result(rows: Row[]): ScenarioResult {
  return { scenario: 'demo', title: 'Demo <scenario>', measures: 'nothing', quick: true, date: '2026-01-02T03:04:05.678Z', notes: ['a note'], commands: {}, rows };
}

describe('bench report', () => {
  it('prints one table line per row with aligned figures and spelled-out errors', () => {
    const text = formatTable(result([row('switchyard', 'v', 12_345, 1.5), row('rabbitmq-classic', 'v', 0, null, { error: 'connection refused\nstack...' })]));
    const lines = text.split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0], /^broker\s+variant\s+client\s+msgs\/s\s+MB\/s\s+p50 ms\s+p99 ms\s+p99\.9 ms\s+CPU s\s+peak RSS MB$/);
    assert.match(lines[2], /^switchyard\s+v\s+amqplib\s+12,345\s+12\.6\s+0\.750\s+1\.500\s+3\.000\s+1\.00\s+100$/);
    assert.match(lines[3], /^rabbitmq-classic\s+v\s+amqplib\s+ERROR: connection refused$/);
    assert.equal(lines[0].indexOf('msgs/s') + 'msgs/s'.length, lines[2].indexOf('12,345') + '12,345'.length, 'numbers are right-aligned');
  });

  it('computes ratios of the broker under test against every reference of the same variant', () => {
    const lines = ratioLines(
      result([
        row('switchyard', 'a', 2000, 4),
        row('rabbitmq-classic', 'a', 1000, 8, { cpuSeconds: 4 }),
        row('rabbitmq-quorum', 'b', 1000, 8),
        row('nats-jetstream', 'a', 500, 2, { error: 'down' }),
      ]),
    );
    // CPU per message: switchyard 1 s / 4000 msgs, rabbitmq 4 s / 2000 msgs.
    assert.deepEqual(lines, ['ratio switchyard / rabbitmq-classic [a]: msgs/s 2.00x, p99 0.50x, CPU/msg 0.13x']);
  });

  it('names the client in ratios where a variant measures the broker under test with several clients', () => {
    const lines = ratioLines(
      result([
        row('switchyard', 'k', 1000, 8, { client: 'kafkajs' }),
        row('switchyard', 'k', 1000, 2, { client: 'confluent-kafka' }),
        row('nats-jetstream', 'k', 1000, 4, { client: 'nats.js' }),
      ]),
    );
    assert.deepEqual(lines, [
      'ratio switchyard (kafkajs) / nats-jetstream [k]: msgs/s 1.00x, p99 2.00x, CPU/msg 1.00x',
      'ratio switchyard (confluent-kafka) / nats-jetstream [k]: msgs/s 1.00x, p99 0.50x, CPU/msg 1.00x',
    ]);
  });

  it('states durability once per broker unless it differs by variant', () => {
    const rows = [row('switchyard', 'a', 1, 1), row('switchyard', 'b', 1, 1), row('ceiling-append', 'a', 1, 1), row('ceiling-append', 'b', 1, 1, { durability: 'other' })];
    assert.deepEqual(durabilityLines(rows), [
      'durability switchyard: switchyard durability',
      'durability ceiling-append [a]: ceiling-append durability',
      'durability ceiling-append [b]: other',
    ]);
    assert.match(formatScenario(result(rows)), /^== demo: Demo <scenario> \(quick\)\n[\s\S]*note: a note\n$/);
  });

  it('writes the JSON twice: time-stamped and as the latest of its scenario', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-report-test-'));
    try {
      const written = result([row('switchyard', 'a', 10, 1)]);
      const path = writeResult(dir, written);
      assert.equal(path, join(dir, 'demo.2026-01-02T03-04-05-678Z.json'));
      assert.deepEqual((await readdir(dir)).sort(), ['demo.2026-01-02T03-04-05-678Z.json', 'demo.latest.json']);
      assert.deepEqual(JSON.parse(await readFile(join(dir, 'demo.latest.json'), 'utf8')), written);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('bench SVG chart', () => {
  it('escapes markup in names', () => {
    assert.equal(escapeXml(`a<b>&"c'`), 'a&lt;b&gt;&amp;&quot;c&apos;');
  });

  it('scales bars to the largest value of the panel', () => {
    assert.equal(barLength(50, 100) * 2, barLength(100, 100));
    assert.equal(barLength(0, 100), 0);
    assert.equal(barLength(null, 100), 0);
    assert.equal(barLength(1e-9, 100), 1, 'a tiny positive value stays visible');
  });

  it('draws a bar per figure of every successful row and marks errors', () => {
    const svg = renderSvg([result([row('switchyard', 'a', 2000, 4), row('rabbit<mq>', 'a', 1000, 8), row('nats', 'a', 0, null, { error: 'x' })])], 'now');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+"/);
    assert.ok(svg.trimEnd().endsWith('</svg>'));
    const widths = [...svg.matchAll(/<rect x="\d+" y="\d+" width="(\d+)" height="13"/g)].map((m) => Number(m[1]));
    assert.equal(widths.length, 4, 'msgs/s and p99 bars for two rows');
    const [fastRate, fastP99, slowRate, slowP99] = widths;
    assert.equal(fastRate, 2 * slowRate);
    assert.equal(slowP99, 2 * fastP99);
    assert.ok(svg.includes('rabbit&lt;mq&gt; · a') && !svg.includes('rabbit<mq>'));
    assert.ok(svg.includes('Demo &lt;scenario&gt;'));
    assert.match(svg, /class="error">error</);
    const opened = (svg.match(/<(?!\/)[a-z]+/g) ?? []).length;
    const closed = (svg.match(/<\/[a-z]+>|\/>/g) ?? []).length;
    assert.equal(opened, closed, 'every element is closed');
  });

  it('says so when there are no results', () => {
    assert.match(renderSvg([], 'now'), /no results yet/);
  });
});
