import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { ResourceAlarm, type ResourceLimits } from '../src/resource-alarm.js';
import { Broker } from '../src/broker.js';

describe('resource alarm', () => {
  it('raises on low disk or high memory and clears when the limits are met again', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-alarm-'));
    try {
      const limits: ResourceLimits = { diskFreeLimitBytes: Number.MAX_SAFE_INTEGER };
      const changes: (string | undefined)[] = [];
      const alarm = new ResourceAlarm(dataDir, limits, (reason) => changes.push(reason));
      assert.match((await alarm.check()) ?? '', /low on disk: \d+ MiB free/);
      await alarm.check();
      limits.diskFreeLimitBytes = 1;
      limits.memoryHighWatermarkBytes = 1;
      assert.match((await alarm.check()) ?? '', /low on memory/);
      limits.memoryHighWatermarkBytes = Number.MAX_SAFE_INTEGER;
      assert.equal(await alarm.check(), undefined);
      assert.equal(changes.length, 3, 'one notification per change of state');
      assert.equal(changes[2], undefined);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('sends connection.blocked to AMQP clients while memory is over the watermark', async () => {
    const broker = await Broker.start({ storage: 'memory', amqp: { port: 0 }, resourceLimits: { memoryHighWatermarkBytes: 1 } });
    try {
      const connection = await amqp.connect(`amqp://guest:guest@127.0.0.1:${broker.addresses.amqp!.port}`);
      const reason = await new Promise<string>((resolve) => connection.once('blocked', resolve));
      assert.match(reason, /low on memory/);
      await connection.close();
    } finally {
      await broker.close();
    }
  });
});
