/**
 * Side-by-side benchmark suite. `npm run bench` runs every scenario; `-- --only NAME[,NAME]` some;
 * `-- --quick` a few-second version of each; `-- --list` names them. Tables and ratios go to stdout,
 * JSON to bench/results/, and a chart of the latest results to bench/results/latest.svg.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BrokerPool } from './lib/brokers/pool.js';
import { BROKER_CPU, canPin, LOADGEN_CPU } from './lib/child.js';
import { ensureReferences } from './lib/references.js';
import { formatScenario, writeResult } from './lib/report.js';
import type { ScenarioResult } from './lib/results.js';
import { runScenario } from './lib/scenario.js';
import { renderSvg } from './lib/svg.js';
import { SCENARIOS } from './scenarios/index.js';

const RESULTS_DIR = fileURLToPath(new URL('./results', import.meta.url));
const PINNED_ENV = 'SWITCHYARD_BENCH_LOADGEN_PINNED';

const { values } = parseArgs({
  options: { only: { type: 'string' }, quick: { type: 'boolean' }, list: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  strict: true,
});

if (values.help || values.list) {
  if (values.help) console.log('usage: npm run bench -- [--quick] [--only NAME[,NAME...]] [--list]\n');
  for (const scenario of SCENARIOS) console.log(`${scenario.name.padEnd(18)} ${scenario.title}`);
  process.exit(0);
}

const wanted = values.only?.split(',').map((name) => name.trim()).filter(Boolean);
const unknown = wanted?.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

if (canPin && process.env[PINNED_ENV] !== '1') {
  // Re-run this process pinned to the load-generator core (garbage collected on its one thread, as the
  // broker is); brokers are pinned to the other one.
  const gc = ['--single-threaded-gc'];
  const child = spawn('taskset', ['-c', LOADGEN_CPU, process.execPath, ...gc, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [PINNED_ENV]: '1' },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  await main(wanted);
}

function latestResults(): ScenarioResult[] {
  const order = new Map(SCENARIOS.map((scenario, i) => [scenario.name, i]));
  return readdirSync(RESULTS_DIR)
    .filter((name) => name.endsWith('.latest.json'))
    .map((name) => JSON.parse(readFileSync(join(RESULTS_DIR, name), 'utf8')) as ScenarioResult)
    .sort((a, b) => (order.get(a.scenario) ?? 99) - (order.get(b.scenario) ?? 99));
}

async function main(only: string[] | undefined): Promise<void> {
  const quick = values.quick ?? false;
  const missing = ensureReferences();
  if (missing.length > 0) console.log(`missing: ${missing.join(', ')} (their rows will report errors)`);
  console.log(
    canPin
      ? `brokers pinned to CPU ${BROKER_CPU}, load generator (this process, kcat, confluent-kafka) to CPU ${LOADGEN_CPU}`
      : 'taskset unavailable: brokers and load generator share CPUs',
  );
  let pool: BrokerPool | undefined;
  let stopping = false;
  const shutdown = (signal: string) => {
    // Ctrl-C reaches this process twice (from the terminal and forwarded by the unpinned parent).
    if (stopping) return;
    stopping = true;
    console.error(`\n${signal}: stopping brokers`);
    void (pool?.stopAll() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // Errors that escape a client library between rows must not end the run.
  process.on('uncaughtException', (error) => console.error(`stray client error: ${error.message}`));
  process.on('unhandledRejection', (error) => console.error(`stray client error: ${(error as Error)?.message ?? error}`));
  for (const scenario of SCENARIOS.filter((s) => !only || only.includes(s.name))) {
    if (stopping) return; // the signal handler stops the brokers and exits
    console.log(`\n-- running ${scenario.name}${quick ? ' (quick)' : ''}: ${scenario.measures}`);
    // Fresh brokers for every scenario: no leftovers of the previous one in its CPU or memory figures.
    pool = new BrokerPool();
    try {
      const result = await runScenario(scenario, pool, {
        quick,
        onRow: (row) => console.log(`   ${row.broker} [${row.variant}, ${row.client}] ${row.error ? `failed: ${row.error.split('\n')[0]}` : `${Math.round(row.msgsPerSec)} msgs/s`}`),
      });
      console.log(`\n${formatScenario(result)}`);
      console.log(`results: ${writeResult(RESULTS_DIR, result)}`);
    } finally {
      await pool.stopAll();
    }
  }
  if (stopping) return;
  const svg = join(RESULTS_DIR, 'latest.svg');
  writeFileSync(svg, renderSvg(latestResults(), new Date().toISOString()));
  console.log(`chart of the latest results: ${svg}`);
  process.exit(0);
}
