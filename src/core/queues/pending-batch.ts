/**
 * Messages a lane collects during one turn of the event loop and appends to its log as one batch.
 */
import type { RecordInput } from '../../storage/record-batch.js';
import type { MessageContent } from './message.js';

/** Messages collected during one turn, appended to the log together. */
export interface PendingBatch {
  /** Sequence number (in the lane's append order) of the first message. */
  readonly firstSeq: number;
  readonly contents: MessageContent[];
  readonly records: RecordInput[];
  /** Body bytes of the messages. */
  bytes: number;
  /** True while nobody waits for any of its messages to be durable (its fdatasync may be put off). */
  deferSync: boolean;
  /** Settles once every message of the batch is processed (rejects if the append failed). */
  readonly done: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

/** An empty batch whose first message will have sequence number `firstSeq`. */
export function pendingBatch(firstSeq: number): PendingBatch {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { firstSeq, contents: [], records: [], bytes: 0, deferSync: true, done, resolve, reject };
}
