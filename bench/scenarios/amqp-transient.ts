import { amqpFlow } from '../lib/loads/amqp.js';
import type { Scenario } from '../lib/scenario.js';
import { amqpTargets, socketCeiling } from '../lib/targets.js';

const SIZE = 16;

/** AMQP transient 16 B messages, no publisher confirms, auto-ack consumer running alongside. */
export const amqpTransient: Scenario = {
  name: 'amqp-transient',
  title: 'AMQP transient 16 B, no confirms',
  measures:
    'Publish as fast as socket back-pressure allows to one non-durable queue while one auto-ack consumer reads it; msgs/s from first publish to last delivery, latency publish to delivery (stamp in the payload).',
  targets(quick) {
    const count = quick ? 50_000 : 1_000_000;
    const load = amqpTargets('16B transient', ['switchyard', 'rabbitmq-classic'], (url, queueType, signal) =>
      amqpFlow({ url, queueType, queues: 1, size: SIZE, count, persistent: false, confirmWindow: 0, latency: 'delivery' }, signal),
      (server) => (server.startsWith('rabbitmq') ? 'RabbitMQ classic queue, non-durable, transient messages: memory only' : undefined),
    );
    return [...load, socketCeiling('16B transient', SIZE, count, 4096)];
  },
  notes: () => ['switchyard hands a transient message straight to a waiting no-ack consumer of an idle queue, as RabbitMQ does; otherwise it goes through the log (its fsync mode applies) while RabbitMQ keeps transient messages in memory.'],
};
