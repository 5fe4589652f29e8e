/**
 * Public shapes of the streams core: options, topic descriptions, and the per-partition answers of
 * produce, fetch, list-offsets and delete-records. Numbers that Kafka puts on the wire (error codes,
 * offsets, timestamps) are kept as Kafka defines them, so a front-end copies them straight across.
 */

/** Kafka's isolation levels for Fetch and ListOffsets. */
export const READ_UNCOMMITTED = 0;
/** Reads stop at the last stable offset and aborted transactions are listed. */
export const READ_COMMITTED = 1;
/** 0 = read_uncommitted, 1 = read_committed (as on the wire). */
export type IsolationLevel = 0 | 1;

/** ListOffsets special timestamps. */
export const LATEST_TIMESTAMP = -1;
/** The log start offset. */
export const EARLIEST_TIMESTAMP = -2;
/** The offset of the record with the largest timestamp (ListOffsets v7). */
export const MAX_TIMESTAMP = -3;

/** Options of StreamBroker.open; every field has a default. */
export interface StreamBrokerOptions {
  /** This broker's node id (the coordinator and leader of everything). Default 0. */
  nodeId?: number;
  /** Create a topic on first produce or metadata request naming it. Default true. */
  autoCreateTopics?: boolean;
  /** Partition count of auto-created topics (Kafka's num.partitions). Default 1. */
  defaultPartitions?: number;
  /** Delay before the first rebalance of an empty group completes. Default 0 (as Kafka's shipped config). */
  groupInitialRebalanceDelayMs?: number;
  /** Smallest and largest session timeout a member may ask for. Defaults 6 s and 30 min. */
  groupMinSessionTimeoutMs?: number;
  groupMaxSessionTimeoutMs?: number;
  /** How long committed offsets of an empty group are kept. Default 7 days. */
  offsetsRetentionMs?: number;
  /** Largest transaction timeout a producer may ask for. Default 15 min. */
  transactionMaxTimeoutMs?: number;
  /** How long an idle transactional id (no open transaction) is remembered. Default 7 days. */
  transactionalIdExpirationMs?: number;
  /** How long an idle producer's sequence state is kept. Default 1 day. */
  producerIdExpirationMs?: number;
  /** Period of the housekeeping tick (expiries, retention, compaction, snapshots). Default 1 s. */
  maintenanceIntervalMs?: number;
  /** Period of retention and compaction runs (inside the tick). Default 5 min. */
  logCleanupIntervalMs?: number;
  /** Broker-level overrides of topic config defaults, e.g. { 'retention.ms': '3600000' }. */
  topicConfigDefaults?: Record<string, string>;
}

/** One topic as metadata and admin requests describe it. */
export interface TopicDescription {
  name: string;
  /** A UUID string, stable for the topic's life. */
  topicId: string;
  partitions: number;
  internal: boolean;
}

/** The answer for one topic of a metadata request. */
export interface TopicMetadata {
  errorCode: number;
  name: string;
  topicId: string | null;
  partitions: number;
  internal: boolean;
}

/** Config sources (Kafka's DescribeConfigs ConfigSource): a topic override. */
export const SOURCE_TOPIC_CONFIG = 1;
/** A broker-level default given in the broker's options. */
export const SOURCE_STATIC_BROKER_CONFIG = 4;
/** The built-in default. */
export const SOURCE_DEFAULT_CONFIG = 5;

/** One config entry as DescribeConfigs answers it. */
export interface ConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  source: number;
  isSensitive: boolean;
  /** Kafka's ConfigType (v3+): 1 boolean, 2 string, 3 int, 4 short, 5 long, 6 double, 7 list. */
  configType: number;
}

/** IncrementalAlterConfigs operations, with Kafka's numbering. */
export type AlterConfigOp = 0 | 1 | 2 | 3;
/** Set the value. */
export const OP_SET = 0;
/** Revert to the default. */
export const OP_DELETE = 1;
/** Add to a list value. */
export const OP_APPEND = 2;
/** Remove from a list value. */
export const OP_SUBTRACT = 3;

/** One change of an IncrementalAlterConfigs request. */
export interface ConfigAlteration {
  name: string;
  op: AlterConfigOp;
  value: string | null;
}

/** Answer to one partition of a produce request. */
export interface ProduceResult {
  errorCode: number;
  errorMessage: string | null;
  baseOffset: number;
  /** The broker's append time when the topic uses LogAppendTime, else -1. */
  logAppendTime: number;
  logStartOffset: number;
}

/** A transaction that was aborted, as listed in a read_committed fetch answer. */
export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

/** Answer to one partition of a fetch request. */
export interface FetchResult {
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  /** Aborted transactions overlapping the returned data (read_committed), else null. */
  abortedTransactions: AbortedTransaction[] | null;
  /** Whole record batches, back to back, as stored (may start before the asked offset). */
  records: Buffer;
}

/** One partition of a multi-partition fetch. */
export interface FetchPartitionRequest {
  topic: string;
  partition: number;
  offset: number;
  /** Byte limit for this partition (at least one batch is returned when data is there). */
  maxBytes: number;
}

/** Limits of a multi-partition (long-polling) fetch. */
export interface FetchOptions {
  isolationLevel: IsolationLevel;
  /** Answer as soon as this many bytes are available (default 1). */
  minBytes?: number;
  /** Wait at most this long for minBytes (default 0: answer at once). */
  maxWaitMs?: number;
  /** Total byte limit of the answer (default unlimited; the first non-empty partition always gets one batch). */
  maxBytes?: number;
  /** Abort the wait early (e.g. the connection closed). */
  signal?: AbortSignal;
}

/** Answer to one partition of a ListOffsets request. */
export interface ListOffsetsResult {
  errorCode: number;
  timestamp: number;
  offset: number;
}

/** Answer to one partition of a DeleteRecords request. */
export interface DeleteRecordsResult {
  errorCode: number;
  lowWatermark: number;
}
