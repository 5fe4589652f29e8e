/** Public shapes of producer id allocation and the transaction coordinator. */
import type { OffsetCommitTopic, TopicPartitions } from './group-types.js';

/** An InitProducerId request (transactionalId null for an idempotent-only producer). */
export interface InitProducerIdRequest {
  transactionalId: string | null;
  transactionTimeoutMs: number;
  /** The producer's current id and epoch when re-initialising (KIP-360), else -1. */
  producerId: number;
  producerEpoch: number;
}

/** An InitProducerId answer. */
export interface InitProducerIdResult {
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

/** The identity of a transactional producer on each transaction request. */
export interface TxnProducer {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
}

/** An AddPartitionsToTxn request. */
export interface AddPartitionsToTxnRequest extends TxnProducer {
  topics: TopicPartitions[];
}

/** An AddOffsetsToTxn request. */
export interface AddOffsetsToTxnRequest extends TxnProducer {
  groupId: string;
}

/** An EndTxn request. */
export interface EndTxnRequest extends TxnProducer {
  committed: boolean;
}

/** A TxnOffsetCommit request. */
export interface TxnOffsetCommitRequest extends TxnProducer {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  topics: OffsetCommitTopic[];
}

/** The state of a transactional id, as the coordinator keeps it. */
export type TxnState = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort';
