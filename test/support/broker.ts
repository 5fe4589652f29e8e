import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker, type BrokerOptions } from '../../src/broker.js';

/** A broker started for one test, on free loopback ports, with its own temporary data directory. */
export interface TestBroker {
  broker: Broker;
  dataDir: string;
  amqpUrl: string;
  kafkaBrokers: string[];
  httpUrl: string;
  /** Closes the broker; with `keepData`, leaves the data directory for a restart. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * Starts a broker with every listener on 127.0.0.1 port 0. Pass `dataDir` to reopen the data of an
 * earlier broker (a restart); otherwise a fresh temporary directory is made and removed on close.
 */
export async function startTestBroker(options: Omit<BrokerOptions, 'amqp' | 'kafka' | 'http'> = {}): Promise<TestBroker> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'switchyard-test-')));
  const broker = await Broker.start({
    fsync: 'batch',
    ...options,
    dataDir,
    host: '127.0.0.1',
    amqp: { port: 0 },
    kafka: { port: 0 },
    http: { port: 0 },
  });
  const { amqp, kafka, http } = broker.addresses;
  return {
    broker,
    dataDir,
    amqpUrl: `amqp://guest:guest@127.0.0.1:${amqp!.port}`,
    kafkaBrokers: [`127.0.0.1:${kafka!.port}`],
    httpUrl: `http://127.0.0.1:${http!.port}`,
    async close({ keepData = false } = {}) {
      await broker.close();
      if (!keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
