/** How a fenced producer is told so, depending on the API version it speaks. */
import { kafkaCode } from '../../core/streams/error-codes.js';

const PRODUCER_FENCED = kafkaCode('PRODUCER_FENCED');
const INVALID_PRODUCER_EPOCH = kafkaCode('INVALID_PRODUCER_EPOCH');

/**
 * PRODUCER_FENCED as a client of this API version understands it: versions before the one that
 * introduced the code (KIP-588) get INVALID_PRODUCER_EPOCH, as Kafka answers them.
 */
export function fencedForVersion(errorCode: number, version: number, firstVersionWithFenced: number): number {
  return errorCode === PRODUCER_FENCED && version < firstVersionWithFenced ? INVALID_PRODUCER_EPOCH : errorCode;
}

/** For APIs whose responses never carry PRODUCER_FENCED (Produce, TxnOffsetCommit). */
export const NEVER_FENCED = Number.POSITIVE_INFINITY;
