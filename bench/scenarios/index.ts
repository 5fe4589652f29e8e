import type { Scenario } from '../lib/scenario.js';
import { amqpFanout } from './amqp-fanout.js';
import { amqpManyQueuesScenario } from './amqp-many-queues.js';
import { amqpPersistent } from './amqp-persistent.js';
import { amqpTransient } from './amqp-transient.js';
import { backlogScenario } from './backlog.js';
import { kafkaConsume } from './kafka-consume.js';
import { kafkaProduceScenario } from './kafka-produce.js';
import { latencyScenario } from './latency.js';
import { nullStorageScenario } from './null-storage.js';
import { storageScenario } from './storage.js';

/** Every scenario, in the order `npm run bench` runs them. */
export const SCENARIOS: Scenario[] = [
  amqpTransient,
  amqpPersistent,
  amqpFanout,
  amqpManyQueuesScenario,
  kafkaProduceScenario,
  kafkaConsume,
  latencyScenario,
  backlogScenario,
  nullStorageScenario,
  storageScenario,
];
