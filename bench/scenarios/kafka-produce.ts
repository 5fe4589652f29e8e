import { kafkaProduce, kcatProduce } from '../lib/loads/kafka.js';
import { natsPublish } from '../lib/loads/nats.js';
import type { Scenario, Target } from '../lib/scenario.js';
import { appendCeilingTarget, kafkaTargets, natsTarget } from '../lib/targets.js';

const REQUEST_BYTES = 64 * 1024;
const IN_FLIGHT = 4;

/** Kafka produce, 100 B and 1 KiB, acks=1 and acks=all, with kafkajs; NATS JetStream and the raw append as references. */
export const kafkaProduceScenario: Scenario = {
  name: 'kafka-produce',
  title: 'Kafka produce 100 B / 1 KiB, acks=1 / acks=all',
  measures: `kafkajs sends batches of about ${REQUEST_BYTES / 1024} KiB per ProduceRequest, ${IN_FLIGHT} requests in flight, to a one-partition topic; latency is each request's send-to-response time (counted for every message in it). NATS JetStream gets the same messages one PubAck each, ${IN_FLIGHT * 64} outstanding.`,
  targets(quick) {
    const targets: Target[] = [];
    for (const size of [100, 1024]) {
      const count = quick ? (size === 100 ? 20_000 : 10_000) : size === 100 ? 500_000 : 200_000;
      const batch = Math.floor(REQUEST_BYTES / size);
      for (const acks of [1, -1] as const) {
        const variant = `${size === 100 ? '100B' : '1KiB'} acks=${acks === 1 ? '1' : 'all'}`;
        targets.push(
          ...kafkaTargets(variant, ['switchyard', 'switchyard-nofsync'], 'kafkajs', (brokers, signal) =>
            kafkaProduce({ brokers, size, count, acks, batch, inFlight: IN_FLIGHT }, signal),
          ),
          natsTarget(variant, (url, signal) => natsPublish(url, size, count, IN_FLIGHT * 64, signal)),
          appendCeilingTarget(variant, size, count, batch),
        );
      }
      for (const acks of [1, -1] as const) {
        const kcatVariant = `${size === 100 ? '100B' : '1KiB'} acks=${acks === 1 ? '1' : 'all'} kcat`;
        targets.push(
          ...kafkaTargets(kcatVariant, ['switchyard', 'switchyard-nofsync'], 'kcat', (brokers, signal) => kcatProduce(brokers, size, count, acks, signal)),
          appendCeilingTarget(kcatVariant, size, count, batch),
        );
      }
    }
    return targets;
  },
  notes: () => [
    'load generator: kafkajs (pure JS, one process on the load core, often the bottleneck) for every row with latency; the `kcat` variants push the same messages with librdkafka (-X linger.ms=5, from a prepared file) for throughput only.',
    'switchyard-nofsync (--fsync never) is the durability match for NATS JetStream 2.9 (no per-message fsync); switchyard (--fsync batch) matches the append ceiling.',
    'on one node acks=1 and acks=all wait for the same local write; the two are kept to show that they cost the same.',
  ],
};
