import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runTool } from '../../bench/lib/tool.js';

const node = process.execPath;

describe('bench command-line client runner', () => {
  it('hands the child its stdout and resolves on a zero exit', async () => {
    let output = '';
    await runTool(node, ['-e', 'process.stdout.write("ready\\n"); process.stdout.write("42\\n")'], new AbortController().signal, (chunk) => (output += chunk.toString()));
    assert.equal(output, 'ready\n42\n');
  });

  it('hands over output larger than a pipe buffer in full', async () => {
    let bytes = 0;
    await runTool(node, ['-e', 'process.stdout.write("x".repeat(1 << 20))'], new AbortController().signal, (chunk) => (bytes += chunk.length));
    assert.equal(bytes, 1 << 20);
  });

  it('fails with the exit code and the tail of stderr on a non-zero exit', async () => {
    const script = 'process.stderr.write("x".repeat(5000) + "the real reason"); process.exit(3)';
    await assert.rejects(runTool(node, ['-e', script], new AbortController().signal), (error: Error) => {
      assert.match(error.message, /exited 3: x+the real reason$/);
      assert.ok(error.message.length < 2200, 'only the tail of stderr is kept');
      return true;
    });
  });

  it('kills the child when the signal aborts', async () => {
    const stop = new AbortController();
    const running = runTool(node, ['-e', 'setInterval(() => {}, 1000); process.stdout.write("up")'], stop.signal, () => stop.abort());
    await assert.rejects(running, /was killed by SIGTERM/);
  });
});
