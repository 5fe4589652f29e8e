import { amqpFlow } from '../lib/loads/amqp.js';
import type { Scenario } from '../lib/scenario.js';
import { amqpTargets } from '../lib/targets.js';

const QUEUES = 10;
const SIZE = 256;

/** AMQP fan-out: one fanout exchange bound to 10 queues, each with its own consumer. */
export const amqpFanout: Scenario = {
  name: 'amqp-fanout',
  title: `AMQP fan-out to ${QUEUES} queues, transient ${SIZE} B`,
  measures: `Publish transient messages (no confirms) to a fanout exchange bound to ${QUEUES} non-durable queues, one auto-ack consumer per queue; msgs/s counts deliveries (${QUEUES} per publish), latency publish to delivery.`,
  targets(quick) {
    const count = quick ? 5_000 : 100_000;
    return amqpTargets(`${QUEUES} queues`, ['switchyard', 'rabbitmq-classic'], (url, queueType, signal) =>
      amqpFlow({ url, queueType, queues: QUEUES, size: SIZE, count, persistent: false, confirmWindow: 0, latency: 'delivery' }, signal),
    );
  },
};
