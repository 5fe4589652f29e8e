/**
 * The streams core: Kafka's model (topics, partitions, consumer groups, idempotent and
 * transactional producers) over the log engine, with no knowledge of the wire protocol.
 */
export { StreamBroker } from './stream-broker.js';
export { GroupCoordinator } from './group-coordinator.js';
export { TransactionCoordinator } from './transaction-coordinator.js';
export { errorCodeOf, errorMessageOf, kafkaCode, NONE } from './error-codes.js';
export { readAssignment, readSubscriptionTopics } from './consumer-protocol.js';
export * from './types.js';
export type * from './group-types.js';
export type * from './txn-types.js';
export type * from './admin-types.js';
export type { TopicConfigs } from './topic-config.js';
