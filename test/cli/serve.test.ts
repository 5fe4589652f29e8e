import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import amqp from 'amqplib';
import { Kafka, logLevel } from 'kafkajs';
import { serveOptions } from '../../src/cli/serve.js';
import { startServeProcess, type ServeProcess } from '../support/server-process.js';
import { withTempDir } from '../support/temp-dir.js';

const CLI = ['--import', 'tsx', 'src/cli/run.ts'];

/** Starts `switchyard serve` with exactly `args` (no defaults added) and waits for its ready line. */
async function startServe(args: string[], env: NodeJS.ProcessEnv = {}) {
  const server = await startServeProcess(args, env, false);
  return { child: server.child, lines: server.lines, addresses: server.listeners };
}

describe('switchyard serve', () => {
  it('prints one line per listener, answers /api/health, and exits 0 on SIGTERM', async () => {
    await withTempDir(async (dataDir) => {
      const { child, addresses } = await startServe(['--data-dir', dataDir, '--amqp-port', '0', '--kafka-port', '0', '--http-port', '0']);
      assert.deepEqual(Object.keys(addresses).sort(), ['amqp', 'http', 'kafka']);
      for (const address of Object.values(addresses)) assert.ok(address.port > 0);
      const health = await fetch(`http://127.0.0.1:${addresses.http.port}/api/health`);
      assert.equal(health.status, 200);
      const body = (await health.json()) as { status: string; listeners: Record<string, { port: number }> };
      assert.equal(body.status, 'ok');
      assert.equal(body.listeners.kafka.port, addresses.kafka.port);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0);
    });
  });

  it('reads its settings from SWITCHYARD_* variables and shuts down on SIGINT', async () => {
    await withTempDir(async (dataDir) => {
      const env = { SWITCHYARD_DATA_DIR: dataDir, SWITCHYARD_AMQP_PORT: '0', SWITCHYARD_KAFKA_PORT: '0', SWITCHYARD_HTTP_PORT: '0', SWITCHYARD_FSYNC: 'always' };
      const { child, lines } = await startServe([], env);
      assert.ok(lines.some((line) => line.includes(`data in ${dataDir}`) && line.includes('fsync always')), lines.join('\n'));
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      assert.equal((await exited)[0], 0);
    });
  });

  it('refuses a second broker on the same data directory', async () => {
    await withTempDir(async (dataDir) => {
      const first = await startServe(['--data-dir', dataDir, '--amqp-port', '0', '--kafka-port', '0', '--http-port', '0']);
      const second = spawnSync(process.execPath, [...CLI, 'serve', '--data-dir', dataDir, '--amqp-port', '0', '--kafka-port', '0', '--http-port', '0'], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(second.status, 1);
      assert.match(second.stderr, /in use by process/);
      const exited = once(first.child, 'exit');
      first.child.kill('SIGTERM');
      await exited;
    });
  });

  it('authenticates AMQP and Kafka clients against the users it is given', async () => {
    await withTempDir(async (dataDir) => {
      const { child, addresses } = await startServe(['--data-dir', dataDir, '--amqp-port', '0', '--kafka-port', '0', '--http-port', '0', '--user', 'alice:s3cret', '--kafka-sasl']);
      const connection = await amqp.connect(`amqp://alice:s3cret@127.0.0.1:${addresses.amqp.port}`);
      await connection.close();
      await assert.rejects(amqp.connect(`amqp://guest:guest@127.0.0.1:${addresses.amqp.port}`), /ACCESS_REFUSED|403/);
      const brokers = [`127.0.0.1:${addresses.kafka.port}`];
      const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING, sasl: { mechanism: 'scram-sha-256', username: 'alice', password: 's3cret' } }).admin();
      await admin.connect();
      assert.ok(Array.isArray(await admin.listTopics()));
      await admin.disconnect();
      const intruder = new Kafka({ brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, sasl: { mechanism: 'plain', username: 'alice', password: 'wrong' } }).admin();
      await assert.rejects(intruder.connect(), /SASL|authentication/i);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      assert.equal((await exited)[0], 0);
    });
  });

  it('runs on memory storage without creating or locking its data directory', async () => {
    await withTempDir(async (parent) => {
      const dataDir = join(parent, 'never-created');
      const servers: ServeProcess[] = [];
      try {
        const server = await startServeProcess(['--storage', 'memory', '--data-dir', dataDir]);
        servers.push(server);
        assert.ok(server.lines.some((line) => line.includes('data in memory')), server.lines.join('\n'));
        const connection = await amqp.connect(`amqp://guest:guest@127.0.0.1:${server.listeners.amqp.port}`);
        const channel = await connection.createConfirmChannel();
        const { queue } = await channel.assertQueue('memory-check', { durable: true });
        channel.sendToQueue(queue, Buffer.from('kept in the heap'), { persistent: true });
        await channel.waitForConfirms();
        const message = await channel.get(queue, { noAck: true });
        assert.ok(message, 'the published message was not delivered');
        assert.equal(message.content.toString(), 'kept in the heap');
        await connection.close();
        // A second memory broker may name the same directory: nothing holds a lock on it.
        const second = await startServeProcess(['--storage', 'memory', '--data-dir', dataDir]);
        servers.push(second);
        assert.equal(await second.stop(), 0);
        assert.equal(await server.stop(), 0);
        await assert.rejects(access(dataDir), { code: 'ENOENT' });
      } finally {
        await Promise.all(servers.map((running) => running.kill()));
      }
    });
  });

  it('prints help and rejects bad settings with a clear message', () => {
    const help = spawnSync(process.execPath, [...CLI, 'serve', '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--advertised-host/);
    assert.match(help.stdout, /--storage KIND +file \| memory/);
    const bad = spawnSync(process.execPath, [...CLI, 'serve', '--fsync', 'sometimes'], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--fsync must be one of always, batch, never/);
    const badStorage = spawnSync(process.execPath, [...CLI, 'serve', '--storage', 'null'], { encoding: 'utf8' });
    assert.equal(badStorage.status, 1);
    assert.match(badStorage.stderr, /--storage must be one of file, memory, not 'null'/);
    const unknown = spawnSync(process.execPath, [...CLI, 'frobnicate'], { encoding: 'utf8' });
    assert.equal(unknown.status, 2);
  });
});

describe('serve options', () => {
  it('lets flags win over environment variables and defaults to the standard ports', () => {
    const defaults = serveOptions([], {});
    assert.notEqual(defaults, 'help');
    if (defaults === 'help') return;
    assert.equal(defaults.amqp?.port, 5672);
    assert.equal(defaults.kafka?.port, 9092);
    assert.equal(defaults.http?.port, 15672);
    assert.equal(defaults.fsync, 'batch');
    assert.equal(defaults.storage, 'file');
    assert.equal(defaults.dataDir, 'data');
    const mixed = serveOptions(['--kafka-port', '19092'], { SWITCHYARD_KAFKA_PORT: '29092', SWITCHYARD_AMQP_PORT: '25672' });
    if (mixed === 'help') return assert.fail('unexpected help');
    assert.equal(mixed.kafka?.port, 19092);
    assert.equal(mixed.amqp?.port, 25672);
    assert.throws(() => serveOptions(['--http-port', '70000'], {}), /--http-port must be a port number/);
    const secured = serveOptions([], { SWITCHYARD_USERS: 'a:1,b:x:y', SWITCHYARD_KAFKA_SASL: 'true', SWITCHYARD_MAX_MESSAGE_BYTES: '1024' });
    if (secured === 'help') return assert.fail('unexpected help');
    assert.deepEqual(secured.amqp?.users, [{ username: 'a', password: '1' }, { username: 'b', password: 'x:y' }]);
    assert.deepEqual(secured.kafka?.saslUsers, secured.amqp?.users);
    assert.equal(secured.amqp?.maxMessageBytes, 1024);
    assert.throws(() => serveOptions(['--kafka-sasl'], {}), /needs at least one --user/);
    assert.throws(() => serveOptions(['--user', 'nobody'], {}), /NAME:PASSWORD/);
  });

  it('reads the storage kind from --storage or SWITCHYARD_STORAGE and drops the directory and fsync for memory', () => {
    const memory = serveOptions(['--storage', 'memory', '--data-dir', '/somewhere', '--fsync', 'always'], {});
    if (memory === 'help') return assert.fail('unexpected help');
    assert.equal(memory.storage, 'memory');
    assert.equal(memory.dataDir, undefined);
    assert.equal(memory.fsync, undefined);
    const fromEnv = serveOptions([], { SWITCHYARD_STORAGE: 'memory' });
    if (fromEnv === 'help') return assert.fail('unexpected help');
    assert.equal(fromEnv.storage, 'memory');
    const flagWins = serveOptions(['--storage', 'file'], { SWITCHYARD_STORAGE: 'memory', SWITCHYARD_DATA_DIR: '/var/lib/sy' });
    if (flagWins === 'help') return assert.fail('unexpected help');
    assert.equal(flagWins.storage, 'file');
    assert.equal(flagWins.dataDir, '/var/lib/sy');
    assert.throws(() => serveOptions(['--storage', 'null'], {}), /--storage must be one of file, memory, not 'null'/);
    assert.throws(() => serveOptions([], { SWITCHYARD_STORAGE: 'Memory' }), /--storage must be one of file, memory/);
    assert.throws(() => serveOptions(['--storage', 'memory', '--fsync', 'sometimes'], {}), /--fsync must be one of/);
  });
});
