/**
 * The public vocabulary of the queue broker: what a front-end passes in and gets back. Protocol-free:
 * no frames or bytes, only AMQP concepts (exchanges, queues, bindings, deliveries) as plain objects.
 */
import type { FieldTable } from './field-values.js';
import type { QueueFlow } from './flow.js';

/** AMQP basic properties of a message, as plain data (absent fields are undefined). */
export interface MessageProperties {
  contentType?: string;
  contentEncoding?: string;
  headers?: FieldTable;
  /** 1 = transient, 2 = persistent. */
  deliveryMode?: number;
  priority?: number;
  correlationId?: string;
  replyTo?: string;
  /** Per-message TTL in milliseconds, as a decimal string (AMQP convention). */
  expiration?: string;
  messageId?: string;
  /** Seconds since the epoch. */
  timestamp?: number;
  type?: string;
  userId?: string;
  appId?: string;
  clusterId?: string;
}

/** Exchange types the broker routes. */
export type ExchangeType = 'direct' | 'fanout' | 'topic' | 'headers';

/** Queue types (x-queue-type). */
export type QueueType = 'classic' | 'quorum' | 'stream';

/** exchange.declare options. */
export interface ExchangeDeclareOptions {
  type: string;
  passive?: boolean;
  durable?: boolean;
  autoDelete?: boolean;
  internal?: boolean;
  arguments?: FieldTable;
}

/** queue.declare options. */
export interface QueueDeclareOptions {
  passive?: boolean;
  durable?: boolean;
  exclusive?: boolean;
  autoDelete?: boolean;
  arguments?: FieldTable;
}

/** queue.declare-ok. */
export interface QueueDeclareOk {
  queue: string;
  /** Ready messages. */
  messageCount: number;
  consumerCount: number;
}

/** basic.publish options. */
export interface PublishOptions {
  mandatory?: boolean;
  /**
   * The publisher does not wait for the message to be durable (no confirms, no transaction): its
   * queues may put off the fdatasync a little to share it with later messages. Delivery is not delayed.
   */
  unconfirmed?: boolean;
}

/**
 * What happened to a published message, once it is safely in every queue it was routed to.
 * - routed=false: no queue took it (send basic.return if mandatory); confirm with basic.ack.
 * - rejected=true: a queue refused it (x-overflow reject-publish); confirm with basic.nack.
 * - discarded=true: published inside a transaction that was rolled back (nothing to send).
 */
export interface PublishResult {
  routed: boolean;
  rejected: boolean;
  discarded?: boolean;
}

/** basic.consume options. */
export interface ConsumeOptions {
  /** Empty or absent: the broker generates one (`amq.ctag-...`). */
  consumerTag?: string;
  noAck?: boolean;
  exclusive?: boolean;
  /** Consumer priority; `x-priority` in arguments is honoured too. */
  priority?: number;
  /** Consume arguments (x-priority, x-stream-offset, ...). */
  arguments?: FieldTable;
}

/** One message handed to a consumer (basic.deliver) or to basic.get (get-ok). */
export interface Delivery {
  deliveryTag: number;
  redelivered: boolean;
  exchange: string;
  routingKey: string;
  properties: MessageProperties;
  body: Buffer;
  /** Set for pushed deliveries; undefined for basic.get. */
  consumerTag?: string;
  /** For basic.get: ready messages left in the queue. */
  messageCount?: number;
}

/** Called for each pushed delivery; the front-end writes basic.deliver. */
export type DeliveryHandler = (delivery: Delivery) => void;

/** Called when the broker cancels a consumer (its queue was deleted); the front-end sends basic.cancel. */
export type CancelHandler = (consumerTag: string) => void;

/**
 * A protocol-free AMQP channel. Methods that touch durable state return promises; the front-end
 * should run one channel's methods in order. Errors are BrokerErrors (see src/core/errors.ts).
 * An empty queue name in bind/consume/get/purge/delete means the last queue declared on this session.
 */
export interface Session {
  readonly vhost: string;
  readonly connectionId: string;

  exchangeDeclare(name: string, options: ExchangeDeclareOptions): Promise<void>;
  exchangeDelete(name: string, options?: { ifUnused?: boolean }): Promise<void>;
  exchangeBind(destination: string, source: string, routingKey: string, args?: FieldTable): Promise<void>;
  exchangeUnbind(destination: string, source: string, routingKey: string, args?: FieldTable): Promise<void>;

  queueDeclare(name: string, options: QueueDeclareOptions): Promise<QueueDeclareOk>;
  queueBind(queue: string, exchange: string, routingKey: string, args?: FieldTable): Promise<void>;
  queueUnbind(queue: string, exchange: string, routingKey: string, args?: FieldTable): Promise<void>;
  /** Removes ready messages; resolves to how many. */
  queuePurge(queue: string): Promise<number>;
  /** Deletes the queue; resolves to the number of messages it held. Deleting a missing queue is a no-op. */
  queueDelete(queue: string, options?: { ifUnused?: boolean; ifEmpty?: boolean }): Promise<number>;

  /**
   * Routes and stores a message. Validation errors throw synchronously; the promise resolves when the
   * message is durable in every queue it went to (confirm then). Messages are enqueued in call order.
   */
  publish(exchange: string, routingKey: string, properties: MessageProperties, body: Buffer, options?: PublishOptions): Promise<PublishResult>;
  /**
   * The flow control of a queue under pressure that a publish since the last call went into, if any
   * (cleared by the call): the publisher should stop sending until it is relieved.
   */
  takePressure(): QueueFlow | undefined;

  /**
   * Starts a consumer and returns its tag. Deliveries begin after the caller's current synchronous turn,
   * so the front-end must write consume-ok before it awaits anything.
   */
  consume(queue: string, options: ConsumeOptions, onDelivery: DeliveryHandler, onCancel: CancelHandler): string;
  /** Cancels a consumer; false if the tag is unknown (not an error in AMQP). */
  cancel(consumerTag: string): boolean;
  /** basic.get: one message, or undefined for get-empty. */
  get(queue: string, noAck: boolean): Promise<Delivery | undefined>;

  ack(deliveryTag: number, multiple: boolean): void;
  nack(deliveryTag: number, multiple: boolean, requeue: boolean): void;
  reject(deliveryTag: number, requeue: boolean): void;
  /** Returns every unacked message to its queue (requeue=false is not implemented, as in RabbitMQ). */
  recover(requeue: boolean): void;

  /** basic.qos: global=false sets the limit of consumers created afterwards, global=true the channel-wide limit. */
  qos(prefetchCount: number, global: boolean, prefetchSize?: number): void;
  /** channel.flow from the client: false stops deliveries until true. */
  flow(active: boolean): void;
  /** Backpressure from the front-end: stop pushing deliveries (socket not writable). */
  pause(): void;
  /** Resume pushing deliveries after pause(). */
  resume(): void;

  txSelect(): void;
  /** Applies buffered publishes and acks in order; resolves when the publishes are durable. */
  txCommit(): Promise<void>;
  txRollback(): void;

  /** Cancels consumers and returns unacked messages to their queues in order, marked redelivered. */
  close(): Promise<void>;
}

/** Admin view of an exchange. */
export interface ExchangeInfo {
  vhost: string;
  name: string;
  type: ExchangeType;
  durable: boolean;
  autoDelete: boolean;
  internal: boolean;
  arguments: FieldTable;
}

/** Admin view of a queue. */
export interface QueueInfo {
  vhost: string;
  name: string;
  type: QueueType;
  durable: boolean;
  autoDelete: boolean;
  exclusive: boolean;
  arguments: FieldTable;
  messagesReady: number;
  messagesUnacknowledged: number;
  /** Messages held in memory (read-ahead window, returned messages); the rest of the backlog is on disk. */
  messagesInMemory: number;
  consumers: number;
}

/** Admin view of a binding. */
export interface BindingInfo {
  vhost: string;
  source: string;
  destination: string;
  destinationType: 'queue' | 'exchange';
  routingKey: string;
  arguments: FieldTable;
}

/** Admin view of a consumer. */
export interface ConsumerInfo {
  vhost: string;
  queue: string;
  consumerTag: string;
  connectionId: string;
  noAck: boolean;
  exclusive: boolean;
  priority: number;
  prefetchCount: number;
}

/** QueueBroker.open options. */
export interface QueueBrokerOptions {
  /** Largest accepted message body (default 128 MiB); larger publishes fail with 406. */
  maxMessageBytes?: number;
}
