import { amqpManyQueues } from '../lib/loads/amqp.js';
import type { Scenario } from '../lib/scenario.js';
import { amqpTargets } from '../lib/targets.js';

const PER_QUEUE = 10;
const SIZE = 256;

/** AMQP many queues: 1,000 durable queues with 10 persistent messages each. */
export const amqpManyQueuesScenario: Scenario = {
  name: 'amqp-many-queues',
  title: `AMQP many queues, ${PER_QUEUE} messages each`,
  measures: `Declare the durable queues, publish ${PER_QUEUE} persistent ${SIZE} B messages to each with confirms (256 in flight), then consume them all with manual acks; time covers all three, latency is publish to confirm. The client has Nagle's algorithm off: with it on, the confirm stream and the acks sent while consumers register stall on delayed TCP acknowledgements, with any broker.`,
  targets(quick) {
    const queues = quick ? 200 : 1_000;
    return amqpTargets(`${queues} queues`, ['switchyard', 'rabbitmq-classic'], (url, _queueType, signal) => amqpManyQueues(url, queues, PER_QUEUE, SIZE, signal));
  },
  notes: () => ['RabbitMQ quorum queues are left out here: a thousand Raft groups on one node measures Ra, not queue bookkeeping.'],
};
