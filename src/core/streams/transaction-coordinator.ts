/**
 * The transaction coordinator: producer ids and epochs (InitProducerId), the state machine of each
 * transactional id (Empty -> Ongoing -> PrepareCommit/PrepareAbort -> CompleteCommit/CompleteAbort),
 * commit/abort markers written to every partition of a transaction, transactional offset commits
 * applied only on commit, timeouts (abort with an epoch bump that fences the producer), and
 * recovery of all of it from the `__transaction_state` log.
 */
import type { LogStore } from '../../storage/types.js';
import type { ErrorName } from '../errors.js';
import { errorCodeOf, kafkaCode, NONE } from './error-codes.js';
import { topicErrors, type GroupCoordinator } from './group-coordinator.js';
import type { TopicPartitionErrors } from './group-types.js';
import type { OffsetStore } from './offset-store.js';
import type { Partition } from './partition.js';
import { ProducerIdAllocator } from './producer-ids.js';
import { StateLog } from './state-log.js';
import {
  abortedKey,
  parseTxnKey,
  PRODUCER_ID_BOUND_KEY,
  txnKey,
  TXN_STATE_LOG,
  type PendingTxnOffset,
  type TxnLogValue,
  type TxnRecord,
} from './txn-record.js';
import type {
  AddOffsetsToTxnRequest,
  AddPartitionsToTxnRequest,
  EndTxnRequest,
  InitProducerIdRequest,
  InitProducerIdResult,
  TxnOffsetCommitRequest,
  TxnProducer,
} from './txn-types.js';

/** Largest producer epoch before a new producer id is needed. */
const MAX_EPOCH = 32767;
/** Coordinator epoch written in markers (a single coordinator that never moves). */
const COORDINATOR_EPOCH = 0;

/** Collaborators and settings of the transaction coordinator. */
export interface TransactionCoordinatorContext {
  store: LogStore;
  offsets: OffsetStore;
  groups: GroupCoordinator;
  maxTimeoutMs: number;
  /** Partition `index` of `topic`, if it exists. */
  partition(topic: string, index: number): Partition | undefined;
}

/** Coordinates producer ids and transactions. */
export class TransactionCoordinator {
  private readonly txns = new Map<string, TxnRecord>();
  private readonly byProducerId = new Map<number, string>();
  /** Transactional ids whose markers are being written right now. */
  private readonly completing = new Set<string>();
  private readonly ids: ProducerIdAllocator;

  private constructor(
    private readonly ctx: TransactionCoordinatorContext,
    private readonly log: StateLog<TxnLogValue>,
  ) {
    let bound = 0;
    for (const [key, value] of log.entries) {
      const parsed = parseTxnKey(key);
      if (parsed.kind === 'txn') this.index(parsed.transactionalId, value as TxnRecord);
      else if (parsed.kind === 'bound') bound = (value as { bound: number }).bound;
      else {
        ctx.partition(parsed.topic, parsed.partition)?.txns.addAborted({
          producerId: parsed.producerId,
          firstOffset: parsed.firstOffset,
          lastOffset: (value as { lastOffset: number }).lastOffset,
        });
      }
    }
    this.ids = new ProducerIdAllocator(bound, (b) => this.log.write([[PRODUCER_ID_BOUND_KEY, { bound: b }]]));
  }

  /** Opens the coordinator state and finishes transactions that were being committed or aborted. */
  static async open(ctx: TransactionCoordinatorContext): Promise<TransactionCoordinator> {
    const coordinator = new TransactionCoordinator(ctx, await StateLog.open<TxnLogValue>(ctx.store, TXN_STATE_LOG));
    for (const [transactionalId, record] of coordinator.txns) {
      if (record.state === 'PrepareCommit' || record.state === 'PrepareAbort') {
        await coordinator.complete(transactionalId, record, record.state === 'PrepareCommit');
      } else if (record.state === 'Ongoing') {
        for (const [topic, index] of record.partitions) await ctx.partition(topic, index)?.recoverOpenTxn(record.producerId);
      }
    }
    return coordinator;
  }

  private index(transactionalId: string, record: TxnRecord): void {
    this.txns.set(transactionalId, record);
    this.byProducerId.set(record.producerId, transactionalId);
  }

  private async save(transactionalId: string, changed: TxnRecord): Promise<void> {
    const record = { ...changed, updateTime: Date.now() };
    const previous = this.txns.get(transactionalId);
    if (previous && previous.producerId !== record.producerId) this.byProducerId.delete(previous.producerId);
    this.index(transactionalId, record);
    await this.log.write([[txnKey(transactionalId), record]]);
  }

  /** InitProducerId: a new id for idempotent producers; for transactional ids, fences older epochs and aborts their open transaction. */
  async initProducerId(req: InitProducerIdRequest): Promise<InitProducerIdResult> {
    try {
      return await this.initProducerIdNow(req);
    } catch (err) {
      return { errorCode: errorCodeOf(err), producerId: -1, producerEpoch: -1 };
    }
  }

  private async initProducerIdNow(req: InitProducerIdRequest): Promise<InitProducerIdResult> {
    const fail = (name: ErrorName): InitProducerIdResult => ({ errorCode: kafkaCode(name), producerId: -1, producerEpoch: -1 });
    if (req.transactionalId === null) return { errorCode: NONE, producerId: await this.ids.allocate(), producerEpoch: 0 };
    if (req.transactionTimeoutMs <= 0 || req.transactionTimeoutMs > this.ctx.maxTimeoutMs) return fail('INVALID_TRANSACTION_TIMEOUT');
    const existing = this.txns.get(req.transactionalId);
    if (existing === undefined) {
      const record = this.fresh(await this.ids.allocate(), 0, req.transactionTimeoutMs);
      await this.save(req.transactionalId, record);
      return { errorCode: NONE, producerId: record.producerId, producerEpoch: 0 };
    }
    if (req.producerId >= 0 && (req.producerId !== existing.producerId || req.producerEpoch !== existing.producerEpoch)) {
      return fail(req.producerId !== existing.producerId ? 'INVALID_PRODUCER_ID_MAPPING' : 'PRODUCER_FENCED');
    }
    if (this.completing.has(req.transactionalId)) return fail('CONCURRENT_TRANSACTIONS');
    if (existing.state === 'PrepareCommit' || existing.state === 'PrepareAbort') await this.complete(req.transactionalId, existing, existing.state === 'PrepareCommit');
    const bumped = { ...existing, producerEpoch: existing.producerEpoch + 1 };
    if (existing.state === 'Ongoing') await this.complete(req.transactionalId, bumped, false);
    const record =
      bumped.producerEpoch >= MAX_EPOCH
        ? this.fresh(await this.ids.allocate(), 0, req.transactionTimeoutMs)
        : this.fresh(bumped.producerId, bumped.producerEpoch, req.transactionTimeoutMs);
    await this.save(req.transactionalId, record);
    return { errorCode: NONE, producerId: record.producerId, producerEpoch: record.producerEpoch };
  }

  private fresh(producerId: number, producerEpoch: number, timeoutMs: number): TxnRecord {
    return { producerId, producerEpoch, timeoutMs, state: 'Empty', partitions: [], groups: [], offsets: [], startTime: -1, updateTime: Date.now() };
  }

  /** Checks a transactional request's producer: the record to act on, or the error name. */
  private check(req: TxnProducer): TxnRecord | ErrorName {
    const record = this.txns.get(req.transactionalId);
    if (record === undefined || record.producerId !== req.producerId) return 'INVALID_PRODUCER_ID_MAPPING';
    if (req.producerEpoch !== record.producerEpoch) return 'PRODUCER_FENCED';
    if (this.completing.has(req.transactionalId)) return 'CONCURRENT_TRANSACTIONS';
    return record;
  }

  private begin(record: TxnRecord): TxnRecord | ErrorName {
    if (record.state === 'PrepareCommit' || record.state === 'PrepareAbort') return 'CONCURRENT_TRANSACTIONS';
    if (record.state === 'Ongoing') return { ...record };
    return { ...record, state: 'Ongoing', partitions: [], groups: [], offsets: [], startTime: Date.now() };
  }

  /** AddPartitionsToTxn: the partitions join the producer's transaction. */
  async addPartitionsToTxn(req: AddPartitionsToTxnRequest): Promise<TopicPartitionErrors[]> {
    const asErrors = req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((partition) => ({ partition })) }));
    const checked = this.check(req);
    const record = typeof checked === 'string' ? checked : this.begin(checked);
    if (typeof record === 'string') return topicErrors(asErrors, kafkaCode(record));
    const answers = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((partition) => {
        if (this.ctx.partition(t.name, partition) === undefined) return { partition, errorCode: kafkaCode('UNKNOWN_TOPIC_OR_PARTITION') };
        if (!record.partitions.some(([topic, p]) => topic === t.name && p === partition)) record.partitions.push([t.name, partition]);
        return { partition, errorCode: NONE };
      }),
    }));
    try {
      await this.save(req.transactionalId, record);
      return answers;
    } catch (err) {
      return topicErrors(asErrors, errorCodeOf(err));
    }
  }

  /** AddOffsetsToTxn: the group's offsets will be committed with the transaction. */
  async addOffsetsToTxn(req: AddOffsetsToTxnRequest): Promise<{ errorCode: number }> {
    if (req.groupId === '') return { errorCode: kafkaCode('INVALID_GROUP_ID') };
    const checked = this.check(req);
    const record = typeof checked === 'string' ? checked : this.begin(checked);
    if (typeof record === 'string') return { errorCode: kafkaCode(record) };
    if (!record.groups.includes(req.groupId)) record.groups.push(req.groupId);
    return this.saveAnswering(req.transactionalId, record);
  }

  /** TxnOffsetCommit: offsets held until the transaction commits (dropped if it aborts). */
  async txnOffsetCommit(req: TxnOffsetCommitRequest): Promise<TopicPartitionErrors[]> {
    const asErrors = req.topics.map((t) => ({ name: t.name, partitions: t.partitions }));
    const checked = this.check(req);
    if (typeof checked === 'string') return topicErrors(asErrors, kafkaCode(checked));
    if (checked.state !== 'Ongoing' || !checked.groups.includes(req.groupId)) return topicErrors(asErrors, kafkaCode('INVALID_TXN_STATE'));
    if (req.generationId >= 0) {
      const refusal = this.ctx.groups.checkCommit(req.groupId, req.memberId, req.groupInstanceId, req.generationId);
      if (refusal) return topicErrors(asErrors, kafkaCode(refusal));
    }
    const { accepted, answers } = this.ctx.groups.resolveCommit(req.topics, undefined, Date.now());
    const record = { ...checked, offsets: [...checked.offsets] };
    for (const entry of accepted) {
      const pending: PendingTxnOffset = { group: req.groupId, ...entry };
      const at = record.offsets.findIndex((o) => o.group === pending.group && o.topic === pending.topic && o.partition === pending.partition);
      if (at >= 0) record.offsets[at] = pending;
      else record.offsets.push(pending);
    }
    try {
      await this.save(req.transactionalId, record);
      return answers;
    } catch (err) {
      return topicErrors(asErrors, errorCodeOf(err));
    }
  }

  /** Persists a record and answers NONE, or the storage failure's code. */
  private async saveAnswering(transactionalId: string, record: TxnRecord): Promise<{ errorCode: number }> {
    try {
      await this.save(transactionalId, record);
      return { errorCode: NONE };
    } catch (err) {
      return { errorCode: errorCodeOf(err) };
    }
  }

  /** EndTxn: writes commit or abort markers to every partition of the transaction. */
  async endTxn(req: EndTxnRequest): Promise<{ errorCode: number }> {
    const checked = this.check(req);
    if (typeof checked === 'string') return { errorCode: kafkaCode(checked) };
    if (checked.state === 'CompleteCommit' || checked.state === 'CompleteAbort') {
      const sameOutcome = (checked.state === 'CompleteCommit') === req.committed;
      return { errorCode: sameOutcome ? NONE : kafkaCode('INVALID_TXN_STATE') };
    }
    // A Prepare state here means an earlier completion failed midway: finish it if the outcome matches.
    const resumable = checked.state === (req.committed ? 'PrepareCommit' : 'PrepareAbort');
    if (checked.state !== 'Ongoing' && !resumable) return { errorCode: kafkaCode('INVALID_TXN_STATE') };
    try {
      await this.complete(req.transactionalId, checked, req.committed);
      return { errorCode: NONE };
    } catch (err) {
      return { errorCode: errorCodeOf(err) };
    }
  }

  /** Prepare (persisted), write markers, apply offsets on commit, then Complete (persisted). */
  private async complete(transactionalId: string, record: TxnRecord, committed: boolean): Promise<void> {
    this.completing.add(transactionalId);
    try {
      await this.completeNow(transactionalId, record, committed);
    } finally {
      this.completing.delete(transactionalId);
    }
  }

  private async completeNow(transactionalId: string, record: TxnRecord, committed: boolean): Promise<void> {
    await this.save(transactionalId, { ...record, state: committed ? 'PrepareCommit' : 'PrepareAbort' });
    const aborted: [string, TxnLogValue][] = [];
    await Promise.all(
      record.partitions.map(async ([topic, index]) => {
        const partition = this.ctx.partition(topic, index);
        if (partition === undefined) return;
        const range = await partition.writeMarker(record.producerId, record.producerEpoch, committed, COORDINATOR_EPOCH);
        if (range) aborted.push([abortedKey(topic, index, range.producerId, range.firstOffset), { lastOffset: range.lastOffset }]);
      }),
    );
    await this.log.write(aborted);
    if (committed) {
      const byGroup = new Map<string, PendingTxnOffset[]>();
      for (const o of record.offsets) byGroup.set(o.group, [...(byGroup.get(o.group) ?? []), o]);
      for (const [group, entries] of byGroup) await this.ctx.offsets.commit(group, entries);
    }
    await this.save(transactionalId, { ...record, state: committed ? 'CompleteCommit' : 'CompleteAbort', partitions: [], groups: [], offsets: [] });
  }

  /**
   * Decides whether a transactional batch may be appended: the producer must hold the current
   * epoch and have added the partition to its open transaction.
   */
  guardProduce(producerId: number, producerEpoch: number, topic: string, partition: number): ErrorName | null {
    const transactionalId = this.byProducerId.get(producerId);
    const record = transactionalId === undefined ? undefined : this.txns.get(transactionalId);
    if (record === undefined) return 'INVALID_PRODUCER_ID_MAPPING';
    if (producerEpoch < record.producerEpoch) return 'INVALID_PRODUCER_EPOCH';
    if (record.state !== 'Ongoing' || !record.partitions.some(([t, p]) => t === topic && p === partition)) return 'INVALID_TXN_STATE';
    return null;
  }

  /** True while an open transaction holds an offset for the group's partition. */
  hasPendingOffset(group: string, topic: string, partition: number): boolean {
    for (const record of this.txns.values()) {
      if (record.state === 'Ongoing' && record.offsets.some((o) => o.group === group && o.topic === topic && o.partition === partition)) return true;
    }
    return false;
  }

  /**
   * Aborts transactions open longer than their timeout, bumping the epoch so the producer is
   * fenced, and forgets transactional ids idle (with no open transaction) for `idExpirationMs`.
   */
  async expireTransactions(now: number, idExpirationMs: number): Promise<void> {
    const forgotten: [string, null][] = [];
    for (const [transactionalId, record] of [...this.txns]) {
      if (this.completing.has(transactionalId)) continue;
      if (record.state === 'Ongoing' && now - record.startTime > record.timeoutMs) {
        await this.complete(transactionalId, { ...record, producerEpoch: Math.min(record.producerEpoch + 1, MAX_EPOCH) }, false);
      } else if (record.state !== 'Ongoing' && now - record.updateTime > idExpirationMs) {
        this.txns.delete(transactionalId);
        this.byProducerId.delete(record.producerId);
        forgotten.push([txnKey(transactionalId), null]);
      }
    }
    await this.log.write(forgotten);
  }

  /** Closes the transaction state log. */
  async close(): Promise<void> {
    await this.log.close();
  }

  /** Forgets persisted aborted ranges that retention or topic deletion made irrelevant. */
  async pruneAborted(): Promise<void> {
    const drop: [string, null][] = [];
    for (const key of this.log.entries.keys()) {
      const parsed = parseTxnKey(key);
      if (parsed.kind !== 'aborted') continue;
      const partition = this.ctx.partition(parsed.topic, parsed.partition);
      const lastOffset = (this.log.entries.get(key) as { lastOffset: number }).lastOffset;
      if (partition === undefined || lastOffset < partition.log.startOffset) drop.push([key, null]);
      partition?.txns.pruneBelow(partition.log.startOffset);
    }
    await this.log.write(drop);
    await this.log.snapshotIfNeeded();
  }
}
