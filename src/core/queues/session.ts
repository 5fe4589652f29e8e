/**
 * A session: the protocol-free AMQP channel. It owns delivery tags and the unacked messages of the
 * channel, its consumers and their prefetch windows (per consumer and channel-wide, as RabbitMQ reads
 * basic.qos), flow control, and transactions (publishes and acks buffered until commit).
 */
import { randomBytes } from 'node:crypto';
import { BrokerError } from '../errors.js';
import { Consumer, type ConsumerHost } from './consumer.js';
import type { Exchange } from './exchange.js';
import { numericValue, type FieldTable } from './field-values.js';
import type { QueueFlow } from './flow.js';
import { parseExpiration, type QueuedMessage } from './message.js';
import type { BrokerQueue } from './queue-base.js';
import { Transaction, type Settlement } from './transaction.js';
import type {
  CancelHandler,
  ConsumeOptions,
  Delivery,
  DeliveryHandler,
  ExchangeDeclareOptions,
  MessageProperties,
  PublishOptions,
  PublishResult,
  QueueDeclareOk,
  QueueDeclareOptions,
  Session,
} from './types.js';
import type { Vhost } from './vhost.js';

/** A delivered message not yet acked, nacked or rejected. */
interface Unacked {
  readonly queue: BrokerQueue;
  readonly message: QueuedMessage;
  readonly consumer?: Consumer;
}

/** The four publish outcomes, indexed by routed (1) + rejected (2), shared by every publish. */
const PUBLISH_RESULTS: readonly PublishResult[] = [0, 1, 2, 3].map((i) => Object.freeze({ routed: (i & 1) !== 0, rejected: (i & 2) !== 0 }));
const RESULT_OF = PUBLISH_RESULTS.map((result) => (): PublishResult => result);
const SETTLED_RESULT = PUBLISH_RESULTS.map((result) => Promise.resolve(result));

/** A random name suffix as RabbitMQ makes them (URL-safe base64). */
function randomName(prefix: string): string {
  return prefix + randomBytes(16).toString('base64url');
}

/** The Session implementation. */
export class QueueSession implements Session, ConsumerHost {
  private nextTag = 1;
  private readonly unacked = new Map<number, Unacked>();
  private readonly consumers = new Map<string, Consumer>();
  private consumerPrefetch = 0;
  private channelPrefetch = 0;
  private flowActive = true;
  private paused = false;
  private closed = false;
  private lastQueue: string | undefined;
  private tx: Transaction | undefined;
  private pressure: QueueFlow | undefined;
  /** The last publish's storage promise and outcome, and the result promise made from them (shared by the messages of one batch). */
  private lastStored: Promise<unknown> | undefined;
  private lastOutcome = 0;
  private lastResult: Promise<PublishResult> = SETTLED_RESULT[0];

  constructor(
    private readonly host: Vhost,
    readonly connectionId: string,
    private readonly maxMessageBytes: number,
    private readonly onClose: (session: QueueSession) => void,
  ) {}

  get vhost(): string {
    return this.host.name;
  }

  get deliveriesAllowed(): boolean {
    return !this.closed && this.flowActive && !this.paused;
  }

  hasChannelCapacity(): boolean {
    return this.channelPrefetch === 0 || this.unacked.size < this.channelPrefetch;
  }

  // ---- exchanges ----

  exchangeDeclare(name: string, options: ExchangeDeclareOptions): Promise<void> {
    return this.host.declareExchange(name, options);
  }

  exchangeDelete(name: string, options: { ifUnused?: boolean } = {}): Promise<void> {
    return this.host.deleteExchange(name, options.ifUnused ?? false);
  }

  exchangeBind(destination: string, source: string, routingKey: string, args?: FieldTable): Promise<void> {
    return this.host.bind(source, this.destinationExchange(destination), routingKey, args);
  }

  exchangeUnbind(destination: string, source: string, routingKey: string, args?: FieldTable): Promise<void> {
    return this.host.unbind(source, this.destinationExchange(destination), routingKey, args);
  }

  // ---- queues ----

  async queueDeclare(name: string, options: QueueDeclareOptions): Promise<QueueDeclareOk> {
    let queueName = name;
    if (name === '') queueName = options.passive ? this.lastQueueName() : randomName('amq.gen-');
    else if (!options.passive && name.startsWith('amq.')) throw new BrokerError('ACCESS_REFUSED', `queue name '${name}' contains reserved prefix 'amq.*'`);
    const queue = await this.host.declareQueue(queueName, options, this.connectionId);
    this.lastQueue = queueName;
    return { queue: queueName, messageCount: queue.readyCount, consumerCount: queue.consumerCount };
  }

  queueBind(queue: string, exchange: string, routingKey: string, args?: FieldTable): Promise<void> {
    return this.host.bind(exchange, this.resolveQueue(queue), this.routingKeyShortcut(queue, routingKey), args);
  }

  queueUnbind(queue: string, exchange: string, routingKey: string, args?: FieldTable): Promise<void> {
    return this.host.unbind(exchange, this.resolveQueue(queue), this.routingKeyShortcut(queue, routingKey), args);
  }

  async queuePurge(queue: string): Promise<number> {
    return this.resolveQueue(queue).purge();
  }

  async queueDelete(queue: string, options: { ifUnused?: boolean; ifEmpty?: boolean } = {}): Promise<number> {
    const name = queue === '' ? this.lastQueueName() : queue;
    const q = this.host.queues.get(name);
    if (!q) return 0;
    q.checkAccess(this.connectionId);
    return this.host.deleteQueue(q, options);
  }

  // ---- publishing ----

  publish(exchange: string, routingKey: string, properties: MessageProperties, body: Buffer, options: PublishOptions = {}): Promise<PublishResult> {
    this.ensureOpen();
    if (body.length > this.maxMessageBytes) {
      throw new BrokerError('PRECONDITION_FAILED', `message size ${body.length} is larger than configured max size ${this.maxMessageBytes}`);
    }
    const ex = this.host.exchange(exchange);
    if (ex.definition.internal) throw new BrokerError('ACCESS_REFUSED', `cannot publish to internal exchange '${exchange}' in vhost '${this.vhost}'`);
    parseExpiration(properties.expiration);
    if (this.tx) return this.tx.addPublish(() => this.route(exchange, routingKey, properties, body, false));
    return this.route(exchange, routingKey, properties, body, options.unconfirmed === true);
  }

  /**
   * Routes and stores a validated message; sender-selected CC/BCC headers add routing keys (BCC is
   * stripped). `deferSync`: nobody waits for it to be durable.
   */
  private route(exchange: string, routingKey: string, properties: MessageProperties, body: Buffer, deferSync: boolean): Promise<PublishResult> {
    const ex = this.host.exchange(exchange);
    const keys = [routingKey];
    let props = properties;
    const headers = properties.headers;
    if (headers && (headers['CC'] !== undefined || headers['BCC'] !== undefined)) {
      for (const field of ['CC', 'BCC']) {
        const list = headers[field];
        if (Array.isArray(list)) for (const k of list) if (typeof k === 'string') keys.push(k);
      }
      if (headers['BCC'] !== undefined) {
        const { BCC: _bcc, ...rest } = headers;
        props = { ...properties, headers: rest };
      }
    }
    const r = this.host.publish(ex, keys, { exchange, routingKey, properties: props, body }, { deferSync });
    if (r.pressure) this.pressure = r.pressure;
    const outcome = (r.routed > 0 ? 1 : 0) + (r.rejected ? 2 : 0);
    if (!r.stored) return SETTLED_RESULT[outcome];
    if (r.stored !== this.lastStored || outcome !== this.lastOutcome) {
      this.lastStored = r.stored;
      this.lastOutcome = outcome;
      this.lastResult = r.stored.then(RESULT_OF[outcome]);
    }
    return this.lastResult;
  }

  takePressure(): QueueFlow | undefined {
    const pressure = this.pressure;
    this.pressure = undefined;
    return pressure;
  }

  // ---- consuming ----

  consume(queue: string, options: ConsumeOptions, onDelivery: DeliveryHandler, onCancel: CancelHandler): string {
    this.ensureOpen();
    const q = this.resolveQueue(queue);
    const tag = options.consumerTag || randomName('amq.ctag-');
    if (this.consumers.has(tag)) throw new BrokerError('NOT_ALLOWED', `attempt to reuse consumer tag '${tag}'`);
    const args = options.arguments ?? {};
    const priority = numericValue(args['x-priority']) ?? options.priority ?? 0;
    if (q.settings.type === 'stream' && this.consumerPrefetch === 0 && this.channelPrefetch === 0) {
      throw new BrokerError('PRECONDITION_FAILED', `consumers of stream '${q.name}' must set a prefetch count (basic.qos)`);
    }
    const consumer = new Consumer(tag, this, q, options.noAck ?? false, options.exclusive ?? false, priority, this.consumerPrefetch, args, onDelivery, onCancel);
    q.addConsumer(consumer);
    this.consumers.set(tag, consumer);
    return tag;
  }

  cancel(consumerTag: string): boolean {
    const consumer = this.consumers.get(consumerTag);
    if (!consumer) return false;
    this.consumers.delete(consumerTag);
    consumer.queue.removeConsumer(consumer);
    return true;
  }

  async get(queue: string, noAck: boolean): Promise<Delivery | undefined> {
    this.ensureOpen();
    const q = this.resolveQueue(queue);
    const message = await q.get(noAck);
    if (!message) return undefined;
    if (this.closed) {
      if (!noAck) q.requeue(message);
      return undefined;
    }
    const tag = this.nextTag++;
    if (!noAck) this.unacked.set(tag, { queue: q, message });
    return this.toDelivery(tag, q, message, undefined, q.readyCount);
  }

  deliver(consumer: Consumer, queue: BrokerQueue, message: QueuedMessage): void {
    const tag = this.nextTag++;
    if (!consumer.noAck) {
      this.unacked.set(tag, { queue, message, consumer });
      consumer.unacked++;
    }
    consumer.onDelivery(this.toDelivery(tag, queue, message, consumer.tag, undefined));
  }

  consumerCancelled(consumer: Consumer): void {
    if (this.consumers.get(consumer.tag) !== consumer) return;
    this.consumers.delete(consumer.tag);
    consumer.onCancel(consumer.tag);
  }

  // ---- acknowledgements ----

  ack(deliveryTag: number, multiple: boolean): void {
    this.settle(deliveryTag, multiple, 'ack');
  }

  nack(deliveryTag: number, multiple: boolean, requeue: boolean): void {
    this.settle(deliveryTag, multiple, requeue ? 'requeue' : 'reject');
  }

  reject(deliveryTag: number, requeue: boolean): void {
    this.settle(deliveryTag, false, requeue ? 'requeue' : 'reject');
  }

  recover(requeue: boolean): void {
    if (!requeue) throw new BrokerError('NOT_IMPLEMENTED', 'requeue=false');
    this.apply([...this.unacked.keys()], 'requeue');
  }

  qos(prefetchCount: number, global: boolean, prefetchSize = 0): void {
    if (prefetchSize !== 0) throw new BrokerError('NOT_IMPLEMENTED', `prefetch_size!=0 (${prefetchSize})`);
    if (global) this.channelPrefetch = prefetchCount;
    else this.consumerPrefetch = prefetchCount;
    this.kick();
  }

  flow(active: boolean): void {
    this.flowActive = active;
    if (active) this.kick();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.kick();
  }

  // ---- transactions ----

  txSelect(): void {
    this.tx ??= new Transaction();
  }

  async txCommit(): Promise<void> {
    await this.requireTx().commit((tags, settlement) => this.apply(tags, settlement));
  }

  txRollback(): void {
    this.requireTx().rollback();
  }

  // ---- lifecycle ----

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    this.tx?.rollback();
    const returned = [...this.unacked.values()];
    this.unacked.clear();
    for (const u of returned) u.queue.requeue(u.message);
    const consumers = [...this.consumers.values()];
    this.consumers.clear();
    for (const c of consumers) c.queue.removeConsumer(c);
  }

  // ---- helpers ----

  /** Validates delivery tags now and settles them now, or at commit inside a transaction. */
  private settle(deliveryTag: number, multiple: boolean, settlement: Settlement): void {
    const tags = this.collectTags(deliveryTag, multiple);
    if (this.tx) this.tx.addSettlement(tags, settlement);
    else this.apply(tags, settlement);
  }

  /** The tags an ack/nack covers; 406 for a tag that is not outstanding (multiple with tag 0 means all). */
  private collectTags(deliveryTag: number, multiple: boolean): number[] {
    if (multiple && deliveryTag === 0) return [...this.unacked.keys()];
    if (!this.unacked.has(deliveryTag)) throw new BrokerError('PRECONDITION_FAILED', `unknown delivery tag ${deliveryTag}`);
    if (!multiple) return [deliveryTag];
    const tags: number[] = [];
    for (const tag of this.unacked.keys()) {
      if (tag > deliveryTag) break;
      tags.push(tag);
    }
    return tags;
  }

  /** Settles deliveries in tag order (tags no longer outstanding are skipped). */
  private apply(tags: number[], settlement: Settlement): void {
    for (const tag of tags) {
      const u = this.unacked.get(tag);
      if (!u) continue;
      this.unacked.delete(tag);
      if (u.consumer) {
        u.consumer.unacked--;
        // Only a consumer that had reached its own prefetch limit may have held its queue back.
        if (this.channelPrefetch === 0 && this.deliveriesAllowed && u.consumer.unacked + 1 === u.consumer.prefetch) u.consumer.queue.scheduleDispatch();
      }
      if (settlement === 'ack') u.queue.ack(u.message);
      else if (settlement === 'requeue') u.queue.requeue(u.message);
      else u.queue.reject(u.message);
    }
    if (this.channelPrefetch > 0) this.kick();
  }

  /** Lets the queues of this session's consumers push again (capacity or flow changed). */
  private kick(): void {
    if (!this.deliveriesAllowed) return;
    for (const c of this.consumers.values()) c.queue.scheduleDispatch();
  }

  private toDelivery(tag: number, queue: BrokerQueue, message: QueuedMessage, consumerTag: string | undefined, messageCount: number | undefined): Delivery {
    let properties = message.properties;
    const count = queue.deliveryCountHeader(message);
    if (count !== undefined) properties = { ...properties, headers: { ...(properties.headers ?? {}), 'x-delivery-count': count } };
    return {
      deliveryTag: tag,
      redelivered: message.redelivered,
      exchange: message.exchange,
      routingKey: message.routingKey,
      properties,
      body: message.body,
      consumerTag,
      messageCount,
    };
  }

  private resolveQueue(name: string): BrokerQueue {
    return this.host.queue(name === '' ? this.lastQueueName() : name, this.connectionId);
  }

  private routingKeyShortcut(queue: string, routingKey: string): string {
    return queue === '' && routingKey === '' ? this.lastQueueName() : routingKey;
  }

  private lastQueueName(): string {
    if (this.lastQueue === undefined) throw new BrokerError('NOT_FOUND', 'no previously declared queue');
    return this.lastQueue;
  }

  private destinationExchange(name: string): Exchange {
    if (name === '') throw new BrokerError('ACCESS_REFUSED', 'operation not permitted on the default exchange');
    return this.host.exchange(name);
  }

  private requireTx(): Transaction {
    if (!this.tx) throw new BrokerError('PRECONDITION_FAILED', 'channel is not transactional');
    return this.tx;
  }

  private ensureOpen(): void {
    if (this.closed) throw new BrokerError('CHANNEL_ERROR', 'session is closed');
  }
}
