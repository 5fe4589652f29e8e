/**
 * A message as queues hold it, and its stored form: one log record per message, with the routing
 * information and properties in the record key and the body as the record value.
 */
import { BrokerError } from '../errors.js';
import type { DecodedRecord, RecordInput } from '../../storage/record-batch.js';
import { decodeFieldTable, encodeFieldValue } from './field-codec.js';
import type { FieldTable } from './field-values.js';
import type { MessageProperties } from './types.js';

/** What a publish carries into the broker. */
export interface MessageContent {
  exchange: string;
  routingKey: string;
  properties: MessageProperties;
  body: Buffer;
}

/** A message in a queue: its content plus where it lives and its delivery state. */
export interface QueuedMessage extends MessageContent {
  /** Offset in its lane's log. */
  offset: number;
  /** Priority lane index (0 unless the queue has x-max-priority). */
  lane: number;
  /** Wall-clock ms after which the message expires; Infinity when it has no TTL. */
  expiresAt: number;
  /** True once it has been delivered and returned (or survived a restart after a delivery). */
  redelivered: boolean;
}

/** Builds a queued message (one object shape for all of them, which keeps property access fast). */
export function queuedMessage(content: MessageContent, offset: number, lane: number, expiresAt: number, redelivered: boolean): QueuedMessage {
  return {
    exchange: content.exchange,
    routingKey: content.routingKey,
    properties: content.properties,
    body: content.body,
    offset,
    lane,
    expiresAt,
    redelivered,
  };
}

/** Builds the log record of a message. */
export function messageRecord(content: MessageContent, timestamp: number): RecordInput {
  const meta: FieldTable = {
    e: content.exchange,
    r: content.routingKey,
    p: content.properties as FieldTable,
  };
  return { key: encodeFieldValue(meta), value: content.body, timestamp };
}

/**
 * The log record of one published message, encoded on first use and shared by every queue the
 * message is routed to (a message delivered without being stored is never encoded).
 */
export class SharedRecord {
  private record: RecordInput | undefined;

  constructor(
    private readonly content: MessageContent,
    private readonly timestamp: number,
  ) {}

  /** The encoded record. */
  get(): RecordInput {
    return (this.record ??= messageRecord(this.content, this.timestamp));
  }
}

/** Reads a message back from its log record. */
export function contentFromRecord(record: DecodedRecord): MessageContent {
  if (record.key === null) throw new BrokerError('INTERNAL_ERROR', `stored message at offset ${record.offset} has no metadata`);
  const meta = decodeFieldTable(record.key);
  const { e, r, p } = meta;
  if (typeof e !== 'string' || typeof r !== 'string' || p === null || typeof p !== 'object') {
    throw new BrokerError('INTERNAL_ERROR', `stored message at offset ${record.offset} has malformed metadata`);
  }
  return { exchange: e, routingKey: r, properties: p as MessageProperties, body: record.value ?? Buffer.alloc(0) };
}

/** True for persistent messages (delivery mode 2), the ones a durable queue keeps across restarts. */
export function isPersistent(properties: MessageProperties): boolean {
  return properties.deliveryMode === 2;
}

/** Parses the per-message `expiration` property (ms); 406 if it is not a non-negative integer. */
export function parseExpiration(expiration: string | undefined): number | undefined {
  if (expiration === undefined) return undefined;
  if (!/^\d+$/.test(expiration)) throw new BrokerError('PRECONDITION_FAILED', `invalid expiration '${expiration}'`);
  return Number(expiration);
}

/** When a message published at `publishedAt` expires, given the queue TTL; Infinity if never. */
export function expiryTime(properties: MessageProperties, publishedAt: number, queueTtl: number | undefined): number {
  let ttl = queueTtl;
  const own = properties.expiration !== undefined && /^\d+$/.test(properties.expiration) ? Number(properties.expiration) : undefined;
  if (own !== undefined && (ttl === undefined || own < ttl)) ttl = own;
  return ttl === undefined ? Infinity : publishedAt + ttl;
}
