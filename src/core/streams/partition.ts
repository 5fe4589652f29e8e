/**
 * One partition of a topic: its log plus the producer and transaction state that Kafka keeps per
 * partition. Appends validate the client's batch (one whole batch, CRC-32C, size, idempotent
 * sequence, transaction membership), reads honour the isolation level, and every change wakes
 * long-polling fetches.
 */
import {
  ATTR_CONTROL,
  ATTR_TIMESTAMP_LOG_APPEND,
  ATTR_TRANSACTIONAL,
  batchTotalBytes,
  encodeBatch,
  readBatchHeader,
  verifyBatchCrc,
  type BatchHeader,
} from '../../storage/record-batch.js';
import { crc32c } from '../../storage/crc32c.js';
import type { AppendOptions, PartitionLog } from '../../storage/types.js';
import type { ErrorName } from '../errors.js';
import { decodeBatchRecords } from './batch-records.js';
import { brokerError, errorCodeOf, errorMessageOf, kafkaCode, NONE } from './error-codes.js';
import { scanBatches } from './log-scan.js';
import { PartitionTxns, type AbortedRange } from './partition-txns.js';
import { ProducerStateTable } from './producer-state.js';
import type { ResolvedTopicConfig } from './topic-config.js';
import {
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  MAX_TIMESTAMP,
  READ_COMMITTED,
  type DeleteRecordsResult,
  type FetchResult,
  type IsolationLevel,
  type ListOffsetsResult,
} from './types.js';

/** Decides whether a transactional batch may be written: an error name, or null to accept. */
export type TxnGuard = (producerId: number, producerEpoch: number, topic: string, partition: number) => ErrorName | null;

const EMPTY = Buffer.alloc(0);
/** Client batches reach the log after validate() checked their CRC-32C (and any restamp recomputed it). */
const CRC_START = 21;
const MARKER_ABORT = 0;
const MARKER_COMMIT = 1;

function markerKey(committed: boolean): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(committed ? MARKER_COMMIT : MARKER_ABORT, 2);
  return key;
}

function markerValue(coordinatorEpoch: number): Buffer {
  const value = Buffer.alloc(6);
  value.writeInt32BE(coordinatorEpoch, 2);
  return value;
}

/** True if a stored control batch is a commit marker (false for abort). */
function isCommitMarker(batch: Buffer): boolean {
  const records = decodeBatchRecords(batch) ?? [];
  const key = records[0]?.key;
  return key !== undefined && key !== null && key.length >= 4 && key.readInt16BE(2) === MARKER_COMMIT;
}

/** Stamps log-append time on a batch in place: attribute bit, maxTimestamp, and a new CRC. */
function stampLogAppendTime(batch: Buffer, header: BatchHeader, now: number): void {
  batch.writeInt16BE(header.attributes | ATTR_TIMESTAMP_LOG_APPEND, 21);
  batch.writeInt32BE(Math.floor(now / 4294967296), 35);
  batch.writeUInt32BE(now >>> 0, 39);
  batch.writeUInt32BE(crc32c(batch, CRC_START, batch.length), 17);
}

/** Cuts `data` (whole batches) before the first batch starting at or after `limit`; returns the data and its end offset. */
function cutBatchesAt(data: Buffer, limit: number): { data: Buffer; endOffset: number } {
  let pos = 0;
  let endOffset = -1;
  while (pos < data.length) {
    const header = readBatchHeader(data, pos);
    if (header.baseOffset >= limit) break;
    pos += batchTotalBytes(header);
    endOffset = header.baseOffset + header.lastOffsetDelta + 1;
  }
  return { data: data.subarray(0, pos), endOffset };
}

/** A partition of a topic. */
export class Partition {
  readonly producers = new ProducerStateTable();
  readonly txns = new PartitionTxns();
  private readonly listeners = new Set<() => void>();
  /** Operations in progress on the log, and a gate that holds new ones back while the log is swapped. */
  private busy = 0;
  private idleWaiters: (() => void)[] = [];
  private gate: Promise<void> | null = null;
  /** Appends of CRC-checked produced batches; waiting fetches wake as soon as the batch is readable. */
  private readonly verifiedAppend: AppendOptions = { verified: true, onReadable: () => this.notifyChange() };

  constructor(
    readonly topic: string,
    readonly index: number,
    public log: PartitionLog,
    private readonly config: () => ResolvedTopicConfig,
    private readonly txnGuard: TxnGuard,
  ) {}

  /** The last stable offset: below it, every transaction is decided. */
  get lastStableOffset(): number {
    return this.txns.lastStableOffset(this.log.highWatermark);
  }

  /** Calls `listener` whenever data or the last stable offset moves; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Wakes every waiting fetch. */
  notifyChange(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Runs `op` on the current log, after any log swap in progress. */
  private async guarded<T>(op: () => Promise<T>): Promise<T> {
    while (this.gate) await this.gate;
    this.busy++;
    try {
      return await op();
    } finally {
      if (--this.busy === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  /**
   * Runs `swap` alone: new operations wait, operations in progress finish first. Used to replace
   * the log (compaction) without a reader or writer seeing a closed one.
   */
  async exclusive<T>(swap: () => Promise<T>): Promise<T> {
    while (this.gate) await this.gate;
    let open = (): void => undefined;
    this.gate = new Promise<void>((resolve) => (open = resolve));
    try {
      if (this.busy > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      return await swap();
    } finally {
      this.gate = null;
      open();
    }
  }

  /** Appends one client batch; never throws, answers with a Kafka error code. */
  produce(batch: Buffer, now = Date.now()): Promise<{ errorCode: number; errorMessage: string | null; baseOffset: number; logAppendTime: number }> {
    return this.guarded(() => this.produceNow(batch, now));
  }

  private async produceNow(batch: Buffer, now: number): Promise<{ errorCode: number; errorMessage: string | null; baseOffset: number; logAppendTime: number }> {
    try {
      const header = this.validate(batch);
      const config = this.config();
      const logAppendTime = config.logAppendTime ? now : -1;
      if (config.logAppendTime) stampLogAppendTime(batch, header, now);
      if (header.producerId < 0) return { ...(await this.appendPlain(batch)), logAppendTime };
      const result = await this.appendIdempotent(batch, header, now);
      return { ...result, logAppendTime };
    } catch (err) {
      return { errorCode: errorCodeOf(err), errorMessage: errorMessageOf(err), baseOffset: -1, logAppendTime: -1 };
    }
  }

  private validate(batch: Buffer): BatchHeader {
    const header = readBatchHeader(batch, 0);
    if (batchTotalBytes(header) !== batch.length) throw brokerError('INVALID_RECORD', 'a produce request must carry exactly one record batch');
    if (!verifyBatchCrc(batch, 0)) throw brokerError('CORRUPT_MESSAGE', 'record batch CRC-32C mismatch');
    const max = this.config().maxMessageBytes;
    if (batch.length > max) throw brokerError('MESSAGE_TOO_LARGE', `record batch of ${batch.length} bytes exceeds max.message.bytes ${max}`);
    if (header.attributes & ATTR_CONTROL) throw brokerError('INVALID_RECORD', 'clients may not write control batches');
    if (header.recordCount === 0) throw brokerError('INVALID_RECORD', 'record batch holds no records');
    if (header.attributes & ATTR_TRANSACTIONAL && header.producerId < 0) {
      throw brokerError('INVALID_RECORD', 'transactional batch without a producer id');
    }
    if (this.config().compact && decodeBatchRecords(batch)?.some((r) => r.key === null)) {
      throw brokerError('INVALID_RECORD', 'a compacted topic cannot accept a record without a key');
    }
    return header;
  }

  private async appendPlain(batch: Buffer): Promise<{ errorCode: number; errorMessage: null; baseOffset: number }> {
    const { baseOffset } = await this.log.append(batch, this.verifiedAppend);
    return { errorCode: NONE, errorMessage: null, baseOffset };
  }

  private async appendIdempotent(batch: Buffer, header: BatchHeader, now: number): Promise<{ errorCode: number; errorMessage: null; baseOffset: number }> {
    const check = this.producers.check(header);
    if (check.duplicateOf) return { errorCode: NONE, errorMessage: null, baseOffset: await check.duplicateOf.baseOffset };
    const transactional = (header.attributes & ATTR_TRANSACTIONAL) !== 0;
    if (transactional) {
      const refusal = this.txnGuard(header.producerId, header.producerEpoch, this.topic, this.index);
      if (refusal) throw brokerError(refusal, `producer ${header.producerId} may not write to ${this.topic}-${this.index} in its transaction`);
    }
    const opensTxn = transactional && this.txns.begin(header.producerId, this.log.highWatermark);
    const append = this.log.append(batch, this.verifiedAppend);
    const baseOffset = append.then((r) => r.baseOffset);
    baseOffset.catch(() => undefined);
    const recent = this.producers.record(header, baseOffset, now);
    try {
      const result = await append;
      if (opensTxn) this.txns.settle(header.producerId, result.baseOffset);
      return { errorCode: NONE, errorMessage: null, baseOffset: result.baseOffset };
    } catch (err) {
      this.producers.forget(header.producerId, recent);
      if (opensTxn) this.txns.cancel(header.producerId);
      throw err;
    }
  }

  /**
   * Writes a transaction marker for `producerId` and closes its transaction here. Returns the
   * aborted range when it aborted (for the coordinator to persist), else null.
   */
  writeMarker(producerId: number, producerEpoch: number, committed: boolean, coordinatorEpoch: number): Promise<AbortedRange | null> {
    return this.guarded(() => this.writeMarkerNow(producerId, producerEpoch, committed, coordinatorEpoch));
  }

  private async writeMarkerNow(producerId: number, producerEpoch: number, committed: boolean, coordinatorEpoch: number): Promise<AbortedRange | null> {
    const marker = encodeBatch([{ key: markerKey(committed), value: markerValue(coordinatorEpoch) }], {
      producerId,
      producerEpoch,
      transactional: true,
      control: true,
    });
    const { baseOffset } = await this.log.append(marker);
    this.producers.recordMarker(producerId, producerEpoch, Date.now());
    const range = this.txns.end(producerId, baseOffset, committed);
    this.notifyChange();
    return range;
  }

  /** Reads from `offset` (nothing when maxBytes <= 0, only the positions); never throws, answers with a Kafka error code. */
  fetch(offset: number, maxBytes: number, isolation: IsolationLevel): Promise<FetchResult> {
    return this.guarded(() => this.fetchNow(offset, maxBytes, isolation));
  }

  private async fetchNow(offset: number, maxBytes: number, isolation: IsolationLevel): Promise<FetchResult> {
    const highWatermark = this.log.highWatermark;
    const logStartOffset = this.log.startOffset;
    const lastStableOffset = this.txns.lastStableOffset(highWatermark);
    const base = { highWatermark, lastStableOffset, logStartOffset };
    const committedOnly = isolation === READ_COMMITTED;
    const none = committedOnly ? [] : null;
    if (offset < logStartOffset || offset > highWatermark) {
      return { ...base, errorCode: kafkaCode('OFFSET_OUT_OF_RANGE'), abortedTransactions: none, records: EMPTY };
    }
    const limit = committedOnly ? lastStableOffset : highWatermark;
    if (offset >= limit || maxBytes <= 0) return { ...base, errorCode: NONE, abortedTransactions: none, records: EMPTY };
    try {
      const read = await this.log.read(offset, maxBytes);
      if (!committedOnly) return { ...base, errorCode: NONE, abortedTransactions: null, records: read.data };
      // Usually the whole read lies below the last stable offset and there is nothing to cut.
      const { data, endOffset } = read.nextOffset <= limit ? { data: read.data, endOffset: read.nextOffset } : cutBatchesAt(read.data, limit);
      return { ...base, errorCode: NONE, abortedTransactions: this.txns.abortedBetween(offset, endOffset), records: data };
    } catch (err) {
      return { ...base, errorCode: errorCodeOf(err), abortedTransactions: none, records: EMPTY };
    }
  }

  /** Answers one partition of ListOffsets; never throws. */
  listOffsets(timestamp: number, isolation: IsolationLevel): Promise<ListOffsetsResult> {
    return this.guarded(() => this.listOffsetsNow(timestamp, isolation));
  }

  private async listOffsetsNow(timestamp: number, isolation: IsolationLevel): Promise<ListOffsetsResult> {
    try {
      if (timestamp === LATEST_TIMESTAMP) {
        const offset = isolation === READ_COMMITTED ? this.lastStableOffset : this.log.highWatermark;
        return { errorCode: NONE, timestamp: -1, offset };
      }
      if (timestamp === EARLIEST_TIMESTAMP) return { errorCode: NONE, timestamp: -1, offset: this.log.startOffset };
      if (timestamp === MAX_TIMESTAMP) return { errorCode: NONE, ...(await this.maxTimestampRecord()) };
      if (timestamp < 0) throw brokerError('INVALID_REQUEST', `unknown ListOffsets timestamp ${timestamp}`);
      return { errorCode: NONE, ...(await this.firstRecordAtOrAfter(timestamp)) };
    } catch (err) {
      return { errorCode: errorCodeOf(err), timestamp: -1, offset: -1 };
    }
  }

  private async firstRecordAtOrAfter(timestamp: number): Promise<{ timestamp: number; offset: number }> {
    const from = await this.log.offsetForTimestamp(timestamp);
    if (from === undefined) return { timestamp: -1, offset: -1 };
    for await (const { header, bytes } of scanBatches(this.log, from)) {
      if (header.maxTimestamp < timestamp || header.attributes & ATTR_CONTROL) continue;
      const records = decodeBatchRecords(bytes);
      if (records === null) return { timestamp: header.maxTimestamp, offset: Math.max(header.baseOffset, from) };
      const hit = records.find((r) => r.offset >= from && r.timestamp >= timestamp);
      if (hit) return { timestamp: hit.timestamp, offset: hit.offset };
    }
    return { timestamp: -1, offset: -1 };
  }

  private async maxTimestampRecord(): Promise<{ timestamp: number; offset: number }> {
    let best: { timestamp: number; offset: number } = { timestamp: -1, offset: -1 };
    for await (const { header, bytes } of scanBatches(this.log, this.log.startOffset)) {
      if (header.maxTimestamp <= best.timestamp || header.attributes & ATTR_CONTROL) continue;
      const records = decodeBatchRecords(bytes);
      const hit = records?.find((r) => r.timestamp === header.maxTimestamp);
      best = { timestamp: header.maxTimestamp, offset: hit?.offset ?? header.baseOffset + header.lastOffsetDelta };
    }
    return best;
  }

  /** Moves the log start to `offset` (-1 = the high watermark); never throws. */
  deleteRecords(offset: number): Promise<DeleteRecordsResult> {
    return this.guarded(() => this.deleteRecordsNow(offset));
  }

  private async deleteRecordsNow(offset: number): Promise<DeleteRecordsResult> {
    const target = offset === -1 ? this.log.highWatermark : offset;
    if (target < 0 || target > this.log.highWatermark) {
      return { errorCode: kafkaCode('OFFSET_OUT_OF_RANGE'), lowWatermark: this.log.startOffset };
    }
    try {
      if (target > this.log.startOffset) await this.log.deleteRecordsBefore(target);
      return { errorCode: NONE, lowWatermark: this.log.startOffset };
    } catch (err) {
      return { errorCode: errorCodeOf(err), lowWatermark: this.log.startOffset };
    }
  }

  /**
   * Finds the open transaction of `producerId` anywhere in the log (for a transaction the
   * coordinator knows is ongoing but whose first batch lies before the recovery scan).
   */
  async recoverOpenTxn(producerId: number): Promise<void> {
    if (this.txns.isOpen(producerId)) return;
    let firstOffset = -1;
    for await (const { header } of scanBatches(this.log, this.log.startOffset)) {
      if (header.producerId !== producerId || (header.attributes & ATTR_TRANSACTIONAL) === 0) continue;
      if (header.attributes & ATTR_CONTROL) firstOffset = -1;
      else if (firstOffset < 0) firstOffset = header.baseOffset;
    }
    if (firstOffset >= 0 && this.txns.begin(producerId, firstOffset)) this.txns.settle(producerId, firstOffset);
  }

  /**
   * Rebuilds producer sequences and open transactions from the batches at or after `fromOffset`
   * (the log tail that can still matter), and aborted ranges found on the way.
   */
  async recover(fromOffset: number, now: number): Promise<void> {
    for await (const { header, bytes } of scanBatches(this.log, fromOffset)) {
      if (header.producerId < 0) continue;
      const control = (header.attributes & ATTR_CONTROL) !== 0;
      if (control) this.txns.end(header.producerId, header.baseOffset, isCommitMarker(bytes));
      else if (header.attributes & ATTR_TRANSACTIONAL && this.txns.begin(header.producerId, header.baseOffset)) {
        this.txns.settle(header.producerId, header.baseOffset);
      }
      this.producers.replay(header, control, now);
    }
  }
}
