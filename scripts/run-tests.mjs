// Runs the test suite with Node's test runner over TypeScript sources (via tsx).
// Usage: node scripts/run-tests.mjs [path-filter ...]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = collect('test', []).sort().filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)));
if (files.length === 0) {
  console.error('no test files matched', filters);
  process.exit(1);
}
// --test-force-exit: a test file whose clients leave a handle open (a client library's retry timer) must not
// keep the suite waiting once its tests have finished.
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-force-exit', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
