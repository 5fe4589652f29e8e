/**
 * Dead-lettering as RabbitMQ does it: the message is republished to the queue's dead-letter exchange
 * with an `x-death` history (one entry per queue and reason, with a count), `x-first-death-*` and
 * `x-last-death-*` headers, and its per-message TTL removed (kept as original-expiration).
 */
import type { FieldTable, FieldValue } from './field-values.js';
import { numericValue } from './field-values.js';
import type { MessageContent } from './message.js';

/** Why a message died. */
export type DeadLetterReason = 'rejected' | 'expired' | 'maxlen' | 'delivery_limit';

/** The routing keys a message was published with: its routing key plus CC (BCC is never stored). */
export function originalRoutingKeys(content: MessageContent): string[] {
  const cc = content.properties.headers?.['CC'];
  const extra = Array.isArray(cc) ? cc.filter((k): k is string => typeof k === 'string') : [];
  return [content.routingKey, ...extra];
}

/** Builds the message to republish to the dead-letter exchange. */
export function deadLetteredContent(content: MessageContent, queue: string, reason: DeadLetterReason, deadLetterExchange: string, now: number): MessageContent {
  const { expiration, ...properties } = content.properties;
  const headers: FieldTable = { ...(properties.headers ?? {}) };
  const deaths = Array.isArray(headers['x-death']) ? (headers['x-death'] as FieldValue[]) : [];
  const time = new Date(Math.floor(now / 1000) * 1000);
  const index = deaths.findIndex((d) => isTable(d) && d['queue'] === queue && d['reason'] === reason);
  let entry: FieldTable;
  if (index >= 0) {
    const previous = deaths[index] as FieldTable;
    entry = { ...previous, count: (numericValue(previous['count']) ?? 0) + 1, time };
  } else {
    entry = { count: 1, reason, queue, time, exchange: content.exchange, 'routing-keys': originalRoutingKeys(content) };
    if (expiration !== undefined) entry['original-expiration'] = expiration;
  }
  headers['x-death'] = [entry, ...deaths.filter((_, i) => i !== index)];
  if (headers['x-first-death-reason'] === undefined) {
    headers['x-first-death-reason'] = reason;
    headers['x-first-death-queue'] = queue;
    headers['x-first-death-exchange'] = content.exchange;
  }
  headers['x-last-death-reason'] = reason;
  headers['x-last-death-queue'] = queue;
  headers['x-last-death-exchange'] = content.exchange;
  return { exchange: deadLetterExchange, routingKey: content.routingKey, properties: { ...properties, headers }, body: content.body };
}

/**
 * True if delivering a dead-lettered message to `queue` would close a cycle no client took part in:
 * the message already died in that queue and none of its deaths was a rejection.
 */
export function isDeadLetterCycle(content: MessageContent, queue: string): boolean {
  const deaths = content.properties.headers?.['x-death'];
  if (!Array.isArray(deaths)) return false;
  const tables = deaths.filter(isTable);
  return tables.some((d) => d['queue'] === queue) && !tables.some((d) => d['reason'] === 'rejected');
}

function isTable(v: FieldValue): v is FieldTable {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Date) && Object.getPrototypeOf(v) === Object.prototype;
}
