import { amqpFlow } from '../lib/loads/amqp.js';
import type { Scenario } from '../lib/scenario.js';
import { amqpTargets, appendCeilingTarget, socketCeiling } from '../lib/targets.js';

const SIZE = 1024;
const IN_FLIGHT = 256;
const VARIANT = '1KiB persistent confirms';
/** Confirms of messages published in the first second (full runs) are warm-up, left out of the latency figures. */
const WARMUP_MS = { quick: 0, full: 1000 };

/** AMQP persistent 1 KiB with publisher confirms and 256 unconfirmed in flight, consumer alongside. */
export const amqpPersistent: Scenario = {
  name: 'amqp-persistent',
  title: `AMQP persistent 1 KiB, confirms, ${IN_FLIGHT} in flight`,
  measures: `Publish persistent messages to one durable queue through a confirm channel with at most ${IN_FLIGHT} unconfirmed, while a manual-ack consumer (prefetch 1000) reads it; msgs/s to the last delivery, latency publish to confirm. The client has Nagle's algorithm off (TCP_NODELAY), and in full runs messages published in the first ${WARMUP_MS.full / 1000} s are warm-up, left out of the latency figures, for every broker.`,
  targets(quick) {
    const count = quick ? 10_000 : 200_000;
    return [
      ...amqpTargets(VARIANT, ['switchyard', 'rabbitmq-classic', 'rabbitmq-quorum'], (url, queueType, signal) =>
        amqpFlow({ url, queueType, queues: 1, size: SIZE, count, persistent: true, confirmWindow: IN_FLIGHT, latency: 'confirm', noDelay: true, warmupMs: quick ? WARMUP_MS.quick : WARMUP_MS.full }, signal),
      ),
      appendCeilingTarget(VARIANT, SIZE, count, IN_FLIGHT),
      socketCeiling(VARIANT, SIZE, count, IN_FLIGHT),
    ];
  },
};
