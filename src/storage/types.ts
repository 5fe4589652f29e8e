/**
 * The contract of the log engine, shared by the file-backed and the in-memory implementations.
 *
 * A log stores record batches in the record-batch v2 layout (see record-batch.ts): the engine reads
 * only the batch header (offsets, timestamps, CRC), never the records, and gives the same bytes back.
 * Offsets are JavaScript numbers (exact up to 2^53, far beyond any single log's life).
 */

/** When an append is acknowledged relative to the disk. */
export type FsyncMode = 'always' | 'batch' | 'never';

/** Per-log settings; every field has a default (see DEFAULT_LOG_CONFIG). */
export interface LogConfig {
  /** Roll to a new segment once the active one reaches this many bytes. */
  segmentBytes: number;
  /** Roll to a new segment once the active one is this old (ms since its first append). */
  segmentMs: number;
  /** Delete sealed segments whose newest batch is older than this (ms); -1 keeps forever. */
  retentionMs: number;
  /** Delete the oldest sealed segments while the log is larger than this; -1 for no limit. */
  retentionBytes: number;
  /** Add a sparse offset-index and time-index entry every this many bytes of log. */
  indexIntervalBytes: number;
  /** Largest single batch accepted by append. */
  maxBatchBytes: number;
  /** Durability of acknowledgements. */
  fsync: FsyncMode;
}

/** Defaults that match Kafka's broker defaults where one exists. */
export const DEFAULT_LOG_CONFIG: LogConfig = {
  segmentBytes: 64 * 1024 * 1024,
  segmentMs: 7 * 24 * 3600 * 1000,
  retentionMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  indexIntervalBytes: 4096,
  maxBatchBytes: 128 * 1024 * 1024,
  fsync: 'batch',
};

/** What the engine reports once an append is acknowledged. */
export interface AppendResult {
  /** Offset stamped on the first record of the batch. */
  baseOffset: number;
  /** Offset of the last record of the batch. */
  lastOffset: number;
  /** Wall-clock time (ms) at which the engine appended the batch. */
  appendTime: number;
}

/** How an append may trust its caller. */
export interface AppendOptions {
  /**
   * The caller has already checked this batch's CRC-32C against its bytes (and changed nothing
   * under the CRC since), so the log skips that check; the header and length are still validated.
   * Only a caller that verified the very bytes it passes may set it.
   */
  verified?: boolean;
  /**
   * Called once the batch is readable (written, before the fsync that makes it durable under
   * 'batch' and 'always'), with the result the promise will later resolve with. Not called if the
   * write fails. It must not throw.
   */
  onReadable?: (result: AppendResult) => void;
  /**
   * Nobody waits for this append to be durable soon (an AMQP publish without confirms): under fsync
   * 'batch' its fdatasync may be put off for a few tens of milliseconds so that it is shared with later
   * appends. It is readable as soon as written either way; the promise still resolves once durable.
   */
  deferSync?: boolean;
}

/** A contiguous run of whole batches read from a log. */
export interface ReadResult {
  /** Whole batches, back to back, in the record-batch v2 layout (may start before the asked offset). */
  data: Buffer;
  /** Offset just after the last batch in `data` (where the next read should start). */
  nextOffset: number;
  /** Log start and high watermark at the time of the read. */
  startOffset: number;
  highWatermark: number;
}

/**
 * One append-only log (a Kafka partition, or the message log under a queue).
 *
 * Visibility rule: a batch becomes readable, and counts in `highWatermark`, once it is written to
 * the log's files (the page cache), in append order; its append is acknowledged (the promise
 * resolves) only once it is durable under the log's fsync mode. A process crash never takes back
 * what a reader saw (written bytes survive it); a power loss can take back what was read but not
 * yet acknowledged, as with Kafka's high watermark on one node or RabbitMQ's classic queues.
 */
export interface PartitionLog {
  /** The log's name, unique within its store (e.g. `orders-3`, `queue.%2F.jobs`). */
  readonly name: string;
  readonly config: LogConfig;
  /** First offset still stored (moves with retention and deleteRecordsBefore). */
  readonly startOffset: number;
  /** Offset after the last readable record: the next offset a reader waits for. */
  readonly highWatermark: number;
  /** Bytes the log occupies on its medium. */
  readonly sizeBytes: number;

  /**
   * Appends one batch (record-batch v2 bytes, baseOffset field ignored and overwritten).
   * Validates the header and CRC-32C (throws StorageError 'CORRUPT_BATCH' / 'BATCH_TOO_LARGE'); with
   * `options.verified` the CRC-32C, already checked by the caller, is not computed again.
   * Resolves once the batch is acknowledged under the fsync mode; batches appended in the same
   * window share one fdatasync (group commit); `options.onReadable` hears when it became readable.
   * The buffer is not retained after the call returns
   * unless the implementation documents otherwise; callers must not mutate it until it resolves.
   */
  append(batch: Buffer, options?: AppendOptions): Promise<AppendResult>;

  /** Reads whole batches starting with the one containing `offset`, up to about `maxBytes` (at least one batch). */
  read(offset: number, maxBytes: number): Promise<ReadResult>;

  /** The first offset whose batch maxTimestamp is >= `timestamp`, or undefined if none. */
  offsetForTimestamp(timestamp: number): Promise<number | undefined>;

  /** Resolves when highWatermark > offset, or after timeoutMs; resolves true if data arrived. */
  waitForData(offset: number, timeoutMs: number): Promise<boolean>;

  /** Moves startOffset forward to `offset` (Kafka DeleteRecords); deletes segments wholly below it. */
  deleteRecordsBefore(offset: number): Promise<void>;

  /** Applies time and size retention now; returns the number of segments deleted. */
  applyRetention(now?: number): Promise<number>;

  /** Changes retention/roll settings of an open log. */
  reconfigure(changes: Partial<LogConfig>): void;

  /** Flushes, fsyncs and releases file handles. Further calls reject. */
  close(): Promise<void>;
}

/** A set of named logs in one place (a data directory, or memory). */
export interface LogStore {
  /** Opens (creating if missing, recovering if needed) the named log. */
  open(name: string, config?: Partial<LogConfig>): Promise<PartitionLog>;
  /** Names of the logs present in the store. */
  list(): Promise<string[]>;
  /** Closes and removes a log and all its files. */
  delete(name: string): Promise<void>;
  /** Closes every open log; with `clean`, records a clean-shutdown marker. */
  close(): Promise<void>;
}

/** Machine-readable reasons a storage operation failed. */
export type StorageErrorCode =
  | 'CORRUPT_BATCH'
  | 'BATCH_TOO_LARGE'
  | 'LOG_DAMAGED'
  | 'LOG_CLOSED'
  | 'OFFSET_OUT_OF_RANGE'
  | 'FSYNC_FAILED';

/** The only error type the storage layer throws on purpose. */
export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}
