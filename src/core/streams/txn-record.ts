/** The persisted state of one transactional id, and the keys of the `__transaction_state` log. */
import type { CommittedOffset } from './group-types.js';
import type { TxnState } from './txn-types.js';

/** Name of the log holding transaction coordinator state. */
export const TXN_STATE_LOG = '__transaction_state';

/** An offset commit held back until its transaction commits. */
export interface PendingTxnOffset {
  group: string;
  topic: string;
  partition: number;
  committed: CommittedOffset;
}

/** Everything the coordinator knows about one transactional id. */
export interface TxnRecord {
  producerId: number;
  producerEpoch: number;
  timeoutMs: number;
  state: TxnState;
  /** Partitions written in the current transaction, as [topic, partition]. */
  partitions: [string, number][];
  /** Groups whose offsets the current transaction commits. */
  groups: string[];
  offsets: PendingTxnOffset[];
  /** When the current transaction began (ms), for its timeout. */
  startTime: number;
  /** When the record last changed (ms), for the expiry of idle transactional ids. */
  updateTime: number;
}

/** A value of the transaction state log: a transactional id's record, an aborted range, or the producer id bound. */
export type TxnLogValue = TxnRecord | { lastOffset: number } | { bound: number };

/** Log key of a transactional id's record. */
export function txnKey(transactionalId: string): string {
  return JSON.stringify(['txn', transactionalId]);
}

/** Log key of an aborted range of a partition. */
export function abortedKey(topic: string, partition: number, producerId: number, firstOffset: number): string {
  return JSON.stringify(['aborted', topic, partition, producerId, firstOffset]);
}

/** Log key of the producer id allocation bound. */
export const PRODUCER_ID_BOUND_KEY = JSON.stringify(['producer-id-bound']);

/** A parsed log key. */
export type TxnLogKey =
  | { kind: 'txn'; transactionalId: string }
  | { kind: 'aborted'; topic: string; partition: number; producerId: number; firstOffset: number }
  | { kind: 'bound' };

/** Parses a key of the transaction state log. */
export function parseTxnKey(key: string): TxnLogKey {
  const parts = JSON.parse(key) as [string, ...unknown[]];
  if (parts[0] === 'txn') return { kind: 'txn', transactionalId: parts[1] as string };
  if (parts[0] === 'aborted') {
    const [, topic, partition, producerId, firstOffset] = parts as [string, string, number, number, number];
    return { kind: 'aborted', topic, partition, producerId, firstOffset };
  }
  return { kind: 'bound' };
}
