/** Kafka's rules for topic names. */
import { brokerError } from './error-codes.js';

/** Longest legal topic name (Kafka's limit, leaving room for partition suffixes in file names). */
export const MAX_TOPIC_NAME_LENGTH = 249;
const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Throws INVALID_TOPIC_EXCEPTION unless `name` is a legal Kafka topic name. */
export function validateTopicName(name: string): void {
  if (name.length === 0) throw brokerError('INVALID_TOPIC_EXCEPTION', 'topic name is empty');
  if (name === '.' || name === '..') throw brokerError('INVALID_TOPIC_EXCEPTION', `topic name cannot be "${name}"`);
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    throw brokerError('INVALID_TOPIC_EXCEPTION', `topic name is longer than ${MAX_TOPIC_NAME_LENGTH} characters`);
  }
  if (!LEGAL.test(name)) {
    throw brokerError('INVALID_TOPIC_EXCEPTION', `topic name "${name}" has characters other than ASCII letters, digits, '.', '_' and '-'`);
  }
}

/** Kafka forbids two topics whose names differ only by '.' versus '_' (their metric names collide). */
export function collisionKey(name: string): string {
  return name.replace(/\./g, '_');
}
