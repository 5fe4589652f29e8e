import { hasMemoryStorage } from '../lib/brokers/switchyard.js';
import type { SwitchyardKind } from '../lib/brokers/types.js';
import { amqpFlow } from '../lib/loads/amqp.js';
import { kafkaProduce } from '../lib/loads/kafka.js';
import type { Scenario } from '../lib/scenario.js';
import { amqpTargets, kafkaTargets, socketCeiling } from '../lib/targets.js';

const SIZE = 1024;
/** From full durability down to no storage at all. */
const VARIANTS: SwitchyardKind[] = ['switchyard', 'switchyard-nofsync', 'switchyard-memory'];

/** Switchyard with storage taken out of the way step by step, to see the protocol and core cost alone. */
export const nullStorageScenario: Scenario = {
  name: 'null-storage',
  title: 'Switchyard without storage cost, 1 KiB',
  measures:
    'The same AMQP confirm load (256 in flight) and Kafka acks=all load (64 KiB requests, 4 in flight) against Switchyard with fsync batch (default), with fsync never, and with --storage memory (no file engine at all); the socket ceiling shows what the loopback alone allows.',
  targets(quick) {
    const count = quick ? 10_000 : 200_000;
    return [
      ...amqpTargets('amqp confirms', VARIANTS, (url, queueType, signal) =>
        amqpFlow({ url, queueType, queues: 1, size: SIZE, count, persistent: true, confirmWindow: 256, latency: 'confirm' }, signal),
      ),
      socketCeiling('amqp confirms', SIZE, count, 256),
      ...kafkaTargets('kafka acks=all', VARIANTS, 'kafkajs', (brokers, signal) =>
        kafkaProduce({ brokers, size: SIZE, count, acks: -1, batch: 64, inFlight: 4 }, signal),
      ),
      socketCeiling('kafka acks=all', SIZE, count, 256),
    ];
  },
  notes: () => [
    'switchyard minus switchyard-nofsync is the fdatasync; switchyard-nofsync minus switchyard-memory is the file engine (write(2) to the page cache, segments, indexes); switchyard-memory is protocol and queue/stream model alone.',
    hasMemoryStorage()
      ? 'switchyard-memory keeps every message in its heap for the whole run, so its peak RSS grows with the message count.'
      : 'this build of `serve` has no --storage memory, so the switchyard-memory rows report an error.',
  ],
};
