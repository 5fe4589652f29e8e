/**
 * Queue arguments (x-message-ttl, x-max-length, x-dead-letter-exchange, x-queue-type, ...): validated
 * once at declare time into typed settings, and compared for declare equivalence as RabbitMQ does.
 */
import { BrokerError } from '../errors.js';
import { fieldValuesEqual, numericValue, type FieldTable, type FieldValue } from './field-values.js';
import type { QueueType } from './types.js';

/** What to do when a queue is full. */
export type OverflowMode = 'drop-head' | 'reject-publish' | 'reject-publish-dlx';

/** Validated queue settings. */
export interface QueueSettings {
  type: QueueType;
  messageTtl?: number;
  expires?: number;
  maxLength?: number;
  maxLengthBytes?: number;
  overflow: OverflowMode;
  deadLetterExchange?: string;
  deadLetterRoutingKey?: string;
  deliveryLimit?: number;
  maxPriority?: number;
  singleActiveConsumer: boolean;
  /** Streams: retention by age in ms (x-max-age). */
  maxAgeMs?: number;
  /** Streams: segment size (x-stream-max-segment-size-bytes). */
  streamSegmentBytes?: number;
}

/** Arguments compared for declare equivalence (others are accepted and ignored, as RabbitMQ does). */
const EQUIVALENCE_KEYS = [
  'x-expires',
  'x-message-ttl',
  'x-max-length',
  'x-max-length-bytes',
  'x-max-priority',
  'x-overflow',
  'x-dead-letter-exchange',
  'x-dead-letter-routing-key',
  'x-single-active-consumer',
  'x-delivery-limit',
  'x-max-delivery-count',
  'x-max-age',
];

function invalid(key: string, queue: string, vhost: string, why: string): BrokerError {
  return new BrokerError('PRECONDITION_FAILED', `invalid arg '${key}' for queue '${queue}' in vhost '${vhost}': ${why}`);
}

function integerArg(args: FieldTable, key: string, min: number, queue: string, vhost: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = args[key];
  if (raw === undefined) return undefined;
  const n = numericValue(raw);
  if (n === undefined || !Number.isInteger(n)) throw invalid(key, queue, vhost, `expected an integer, got ${describe(raw)}`);
  if (n < min) throw invalid(key, queue, vhost, `value ${n} is below ${min}`);
  if (n > max) throw invalid(key, queue, vhost, `value ${n} is above ${max}`);
  return n;
}

function stringArg(args: FieldTable, key: string, queue: string, vhost: string): string | undefined {
  const raw = args[key];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw invalid(key, queue, vhost, `expected a string, got ${describe(raw)}`);
  return raw;
}

/** Parses RabbitMQ's x-max-age format: a number and a unit (Y M D h m s), e.g. "7D". */
function parseMaxAge(text: string, queue: string, vhost: string): number {
  const m = /^(\d+)([YMDhms])$/.exec(text);
  if (!m) throw invalid('x-max-age', queue, vhost, `'${text}' is not of the form <number><Y|M|D|h|m|s>`);
  const unitMs: Record<string, number> = { Y: 365 * 86400e3, M: 30 * 86400e3, D: 86400e3, h: 3600e3, m: 60e3, s: 1e3 };
  return Number(m[1]) * unitMs[m[2]];
}

/** Validates arguments into settings; 406 PRECONDITION_FAILED on a bad value. */
export function parseQueueArguments(args: FieldTable, queue: string, vhost: string): QueueSettings {
  const type = stringArg(args, 'x-queue-type', queue, vhost) ?? 'classic';
  if (type !== 'classic' && type !== 'quorum' && type !== 'stream') throw invalid('x-queue-type', queue, vhost, `unknown queue type '${type}'`);
  const overflow = stringArg(args, 'x-overflow', queue, vhost) ?? 'drop-head';
  if (overflow !== 'drop-head' && overflow !== 'reject-publish' && overflow !== 'reject-publish-dlx') {
    throw invalid('x-overflow', queue, vhost, `unknown overflow mode '${overflow}'`);
  }
  const deadLetterExchange = stringArg(args, 'x-dead-letter-exchange', queue, vhost);
  const deadLetterRoutingKey = stringArg(args, 'x-dead-letter-routing-key', queue, vhost);
  if (deadLetterRoutingKey !== undefined && deadLetterExchange === undefined) {
    throw invalid('x-dead-letter-routing-key', queue, vhost, 'x-dead-letter-exchange is not set');
  }
  const sac = args['x-single-active-consumer'];
  if (sac !== undefined && typeof sac !== 'boolean') throw invalid('x-single-active-consumer', queue, vhost, `expected a boolean, got ${describe(sac)}`);
  const maxPriority = integerArg(args, 'x-max-priority', 0, queue, vhost, 255);
  const maxAge = stringArg(args, 'x-max-age', queue, vhost);
  return {
    type,
    messageTtl: integerArg(args, 'x-message-ttl', 0, queue, vhost),
    expires: integerArg(args, 'x-expires', 1, queue, vhost),
    maxLength: integerArg(args, 'x-max-length', 0, queue, vhost),
    maxLengthBytes: integerArg(args, 'x-max-length-bytes', 0, queue, vhost),
    overflow,
    deadLetterExchange,
    deadLetterRoutingKey,
    deliveryLimit: integerArg(args, 'x-delivery-limit', 0, queue, vhost) ?? integerArg(args, 'x-max-delivery-count', 0, queue, vhost),
    maxPriority: maxPriority === undefined ? undefined : Math.min(maxPriority, 255),
    singleActiveConsumer: sac === true,
    maxAgeMs: maxAge === undefined ? undefined : parseMaxAge(maxAge, queue, vhost),
    streamSegmentBytes: integerArg(args, 'x-stream-max-segment-size-bytes', 1, queue, vhost),
  };
}

/** Checks queue-type rules RabbitMQ enforces at declare time (406). */
export function checkQueueTypeRules(settings: QueueSettings, flags: { durable: boolean; exclusive: boolean; autoDelete: boolean }, queue: string, vhost: string): void {
  if (settings.type === 'classic') return;
  const what = settings.type === 'quorum' ? 'quorum' : 'stream';
  if (!flags.durable) throw new BrokerError('PRECONDITION_FAILED', `invalid property 'non-durable' for queue '${queue}' in vhost '${vhost}': ${what} queues must be durable`);
  if (flags.exclusive) throw new BrokerError('PRECONDITION_FAILED', `invalid property 'exclusive-owner' for queue '${queue}' in vhost '${vhost}': ${what} queues cannot be exclusive`);
  if (flags.autoDelete) throw new BrokerError('PRECONDITION_FAILED', `invalid property 'auto-delete' for queue '${queue}' in vhost '${vhost}': ${what} queues cannot be auto-delete`);
}

function describe(value: FieldValue | undefined): string {
  if (value === undefined) return 'none';
  if (typeof value === 'string') return `the value '${value}'`;
  const n = numericValue(value);
  if (n !== undefined) return `the value '${n}'`;
  return `the value '${String(value)}'`;
}

/** 406 unless the arguments of a redeclare agree with the existing queue's on every compared key. */
export function assertArgumentsEquivalent(existing: FieldTable, requested: FieldTable, kind: 'queue' | 'exchange', name: string, vhost: string, keys = EQUIVALENCE_KEYS): void {
  for (const key of keys) {
    if (!fieldValuesEqual(existing[key], requested[key])) {
      throw new BrokerError(
        'PRECONDITION_FAILED',
        `inequivalent arg '${key}' for ${kind} '${name}' in vhost '${vhost}': received ${describe(requested[key])} but current is ${describe(existing[key])}`,
      );
    }
  }
  const requestedType = requested['x-queue-type'];
  if (kind === 'queue' && requestedType !== undefined && !fieldValuesEqual(existing['x-queue-type'] ?? 'classic', requestedType)) {
    throw new BrokerError(
      'PRECONDITION_FAILED',
      `inequivalent arg 'x-queue-type' for queue '${name}' in vhost '${vhost}': received ${describe(requestedType)} but current is ${describe(existing['x-queue-type'] ?? 'classic')}`,
    );
  }
}

/** 406 unless a redeclared flag agrees with the existing one. */
export function assertFlagEquivalent(flag: string, existing: boolean, requested: boolean, kind: 'queue' | 'exchange', name: string, vhost: string): void {
  if (existing !== requested) {
    throw new BrokerError('PRECONDITION_FAILED', `inequivalent arg '${flag}' for ${kind} '${name}' in vhost '${vhost}': received '${requested}' but current is '${existing}'`);
  }
}
