import { amqpFlow } from '../lib/loads/amqp.js';
import { kafkaFixedRate } from '../lib/loads/kafka.js';
import { natsFixedRate } from '../lib/loads/nats.js';
import { rdkafkaFixedRate } from '../lib/loads/rdkafka.js';
import type { Scenario } from '../lib/scenario.js';
import { amqpTargets, kafkaTargets, natsTarget, socketCeiling } from '../lib/targets.js';

const RATE = 10_000;
const SIZE = 256;
/** Seconds of steady load (quick, full), and of warm-up at its start left out of the latency figures. */
const SECONDS = { quick: 3, full: 30 };
const WARMUP_MS = { quick: 1000, full: 5000 };
/** Unconfirmed publishes allowed in the confirm rows: far above what the rate needs, so it never paces them. */
const CONFIRM_WINDOW = 1000;

/** End-to-end latency at a fixed 10k msgs/s over AMQP and over Kafka. */
export const latencyScenario: Scenario = {
  name: 'latency',
  title: `End-to-end latency at ${RATE / 1000}k msgs/s, ${SIZE} B`,
  measures: `Publish at a steady ${RATE} msgs/s (the publish time stamped in the payload) while a consumer reads; latency is stamp to arrival at the consumer. AMQP: persistent messages to a durable queue, no confirms, manual-ack consumer. AMQP confirms: the same through a confirm channel, latency publish to confirm (after the fsync), the consumer alongside. Kafka, kafkajs: acks=all, one request per millisecond, kafkajs consumer group (which commits offsets after every batch, before its next fetch), producer and consumer in the load-generator process. Kafka, confluent-kafka (librdkafka for Python): acks=all, linger.ms=0, bursts of 10 each millisecond, a consumer-group consumer (auto-commit every 5 s, its default), producer and consumer each in a process of its own. Every client runs with TCP_NODELAY (nats.js always does; amqplib, kafkajs and librdkafka are told to). Messages sent in the first ${WARMUP_MS.quick / 1000} s (quick) or ${WARMUP_MS.full / 1000} s (full) are warm-up, left out of the latency figures.`,
  targets(quick) {
    const count = RATE * (quick ? SECONDS.quick : SECONDS.full);
    const steady = { perSec: RATE, warmupMs: quick ? WARMUP_MS.quick : WARMUP_MS.full };
    return [
      ...amqpTargets('amqp', ['switchyard', 'rabbitmq-classic', 'rabbitmq-quorum'], (url, queueType, signal) =>
        amqpFlow({ url, queueType, queues: 1, size: SIZE, count, persistent: true, confirmWindow: 0, latency: 'delivery', steady, noDelay: true }, signal),
      ),
      socketCeiling('amqp', SIZE, count, 1 << 20, steady),
      ...amqpTargets('amqp confirms', ['switchyard', 'rabbitmq-classic', 'rabbitmq-quorum'], (url, queueType, signal) =>
        amqpFlow({ url, queueType, queues: 1, size: SIZE, count, persistent: true, confirmWindow: CONFIRM_WINDOW, latency: 'confirm', steady, noDelay: true }, signal),
      ),
      ...kafkaTargets('kafka', ['switchyard'], 'kafkajs', (brokers, signal) => kafkaFixedRate(brokers, steady, count, SIZE, signal)),
      ...kafkaTargets('kafka', ['switchyard'], 'confluent-kafka', (brokers, signal) => rdkafkaFixedRate(brokers, steady, count, SIZE, signal)),
      natsTarget('kafka', (url, signal) => natsFixedRate(url, steady, count, SIZE, signal)),
      socketCeiling('kafka', SIZE, count, 1 << 20, steady),
    ];
  },
  notes: () => ['ceiling-socket latency is send to the sink’s acknowledgement (a round trip), the floor any broker’s delivery latency can reach here.'],
};
