import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/** Each code generator with `--check` regenerates in memory and fails if the committed output differs. */
const GENERATORS = ['scripts/gen-amqp-codec.ts', 'scripts/gen-kafka-codec.ts'];

describe('generated codecs', () => {
  for (const script of GENERATORS) {
    it(`${script} --check finds the committed files up to date`, () => {
      const run = spawnSync(process.execPath, ['--import', 'tsx', script, '--check'], { encoding: 'utf8' });
      assert.equal(run.status, 0, `${script} --check failed:\n${run.stdout}\n${run.stderr}`);
    });
  }
});
