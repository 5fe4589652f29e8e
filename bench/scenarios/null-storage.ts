import { hasNullStorage } from '../lib/brokers/switchyard.js';
import { amqpFlow } from '../lib/loads/amqp.js';
import { kafkaProduce } from '../lib/loads/kafka.js';
import type { Scenario } from '../lib/scenario.js';
import { amqpTargets, kafkaTargets, socketCeiling } from '../lib/targets.js';

const SIZE = 1024;

/** Switchyard with storage taken out of the way, to see the protocol and core cost alone. */
export const nullStorageScenario: Scenario = {
  name: 'null-storage',
  title: 'Switchyard without storage cost, 1 KiB',
  measures:
    'The same AMQP confirm load (256 in flight) and Kafka acks=all load (64 KiB requests, 4 in flight) against Switchyard with its default fsync batch and with storage out of the way; the socket ceiling shows what the loopback alone allows.',
  targets(quick) {
    const count = quick ? 10_000 : 200_000;
    return [
      ...amqpTargets('amqp confirms', ['switchyard', 'switchyard-nofsync'], (url, queueType, signal) =>
        amqpFlow({ url, queueType, queues: 1, size: SIZE, count, persistent: true, confirmWindow: 256, latency: 'confirm' }, signal),
      ),
      socketCeiling('amqp confirms', SIZE, count, 256),
      ...kafkaTargets('kafka acks=all', ['switchyard', 'switchyard-nofsync'], 'kafkajs', (brokers, signal) =>
        kafkaProduce({ brokers, size: SIZE, count, acks: -1, batch: 64, inFlight: 4 }, signal),
      ),
      socketCeiling('kafka acks=all', SIZE, count, 256),
    ];
  },
  notes: () =>
    hasNullStorage()
      ? ['switchyard-nofsync runs with --storage null: nothing is written.']
      : ['true null-storage mode is pending: `serve` has no such flag yet, so switchyard-nofsync runs with --fsync never (writes reach the page cache, no fsync).'],
};
