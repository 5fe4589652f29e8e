import { amqpFlow } from '../lib/loads/amqp.js';
import { kafkaFixedRate } from '../lib/loads/kafka.js';
import { natsFixedRate } from '../lib/loads/nats.js';
import type { Scenario } from '../lib/scenario.js';
import { amqpTargets, kafkaTargets, natsTarget, socketCeiling } from '../lib/targets.js';

const RATE = 10_000;
const SIZE = 256;

/** End-to-end latency at a fixed 10k msgs/s over AMQP and over Kafka. */
export const latencyScenario: Scenario = {
  name: 'latency',
  title: `End-to-end latency at ${RATE / 1000}k msgs/s, ${SIZE} B`,
  measures: `Publish at a steady ${RATE} msgs/s (the publish time stamped in the payload) while a consumer reads; latency is stamp to arrival at the consumer. AMQP: persistent messages to a durable queue, no confirms, manual-ack consumer. Kafka: kafkajs acks=all, one request per millisecond, kafkajs consumer group. Every client runs with TCP_NODELAY (nats.js always does; amqplib and kafkajs are told to).`,
  targets(quick) {
    const count = RATE * (quick ? 3 : 30);
    return [
      ...amqpTargets('amqp', ['switchyard', 'rabbitmq-classic', 'rabbitmq-quorum'], (url, queueType, signal) =>
        amqpFlow({ url, queueType, queues: 1, size: SIZE, count, persistent: true, confirmWindow: 0, latency: 'delivery', ratePerSec: RATE, noDelay: true }, signal),
      ),
      socketCeiling('amqp', SIZE, count, 1 << 20, RATE),
      ...kafkaTargets('kafka', ['switchyard'], 'kafkajs', (brokers, signal) => kafkaFixedRate(brokers, RATE, count, SIZE, signal)),
      natsTarget('kafka', (url, signal) => natsFixedRate(url, RATE, count, SIZE, signal)),
      socketCeiling('kafka', SIZE, count, 1 << 20, RATE),
    ];
  },
  notes: () => ['ceiling-socket latency is send to the sink’s acknowledgement (a round trip), the floor any broker’s delivery latency can reach here.'],
};
