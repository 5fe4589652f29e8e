/**
 * Kafka error codes for the answers the streams core gives per topic, partition or member.
 * Operations that Kafka answers per item return `{ errorCode }` objects; these helpers build them.
 */
import { BrokerError, ERRORS, type ErrorName, type ErrorSpec } from '../errors.js';
import { StorageError } from '../../storage/types.js';

/** Kafka's "no error" code. */
export const NONE = 0;

/** The Kafka code of a registered error. */
export function kafkaCode(name: ErrorName): number {
  const spec: ErrorSpec = ERRORS[name];
  return spec.kafka ?? -1;
}

/** Maps any thrown value to the Kafka error code a front-end should answer with. */
export function errorCodeOf(err: unknown): number {
  if (err instanceof BrokerError) return kafkaCode(err.errorName);
  if (err instanceof StorageError) {
    switch (err.code) {
      case 'CORRUPT_BATCH':
        return kafkaCode('CORRUPT_MESSAGE');
      case 'BATCH_TOO_LARGE':
        return kafkaCode('MESSAGE_TOO_LARGE');
      case 'OFFSET_OUT_OF_RANGE':
        return kafkaCode('OFFSET_OUT_OF_RANGE');
      default:
        return kafkaCode('KAFKA_STORAGE_ERROR');
    }
  }
  return kafkaCode('UNKNOWN_SERVER_ERROR');
}

/** A human-readable message for a thrown value, for the front-end's errorMessage fields. */
export function errorMessageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Shorthand for `new BrokerError(name, message)`. */
export function brokerError(name: ErrorName, message: string): BrokerError {
  return new BrokerError(name, message);
}
