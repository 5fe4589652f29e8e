/**
 * The RabbitMQ model of the broker core: vhosts, exchanges, bindings, queues, consumers, deliveries,
 * dead-lettering, TTL and length limits, over the log engine. Protocol-free: the AMQP front-end decodes
 * frames, calls a Session, and encodes what comes back.
 *
 * Field tables are plain data (see field-values.ts); a front-end that has its own decimal or typed-number
 * classes can pass them as long as they have the same shape, and gets the core's classes back.
 */
export { QueueBroker } from './broker.js';
export type {
  BindingInfo,
  CancelHandler,
  ConsumeOptions,
  ConsumerInfo,
  Delivery,
  DeliveryHandler,
  ExchangeDeclareOptions,
  ExchangeInfo,
  ExchangeType,
  MessageProperties,
  PublishOptions,
  PublishResult,
  QueueBrokerOptions,
  QueueDeclareOk,
  QueueDeclareOptions,
  QueueInfo,
  QueueType,
  Session,
} from './types.js';
export { FieldDecimal, FieldTypedNumber } from './field-values.js';
export { QueueFlow, type FlowListener } from './flow.js';
export type { FieldNumberType, FieldTable, FieldValue } from './field-values.js';
