/**
 * The Kafka model of the broker, free of any wire protocol: topics and partitions over the log
 * store, produce/fetch/list-offsets/delete-records, consumer groups (`groups`), producer ids and
 * transactions (`transactions`), compaction, and the introspection the CLI and admin API use.
 * Operations Kafka answers per partition return `{ errorCode }` results; admin operations on a
 * whole topic throw BrokerError (map it with errorCodeOf).
 */
import type { LogStore } from '../../storage/types.js';
import { brokerError, errorCodeOf, errorMessageOf, kafkaCode, NONE } from './error-codes.js';
import { Compactor } from './compaction.js';
import { fetchMany } from './fetch.js';
import { GroupCoordinator } from './group-coordinator.js';
import { describeGroup, planOffsetReset } from './group-admin.js';
import { OffsetStore } from './offset-store.js';
import { configValue, describeTopicConfigs, editList, isListConfig, type TopicConfigs } from './topic-config.js';
import { TopicRegistry, type Topic } from './topic-registry.js';
import { TransactionCoordinator } from './transaction-coordinator.js';
import type { GroupSummary, OffsetResetEntry, OffsetResetSpec } from './admin-types.js';
import {
  OP_APPEND,
  OP_DELETE,
  OP_SET,
  type ConfigAlteration,
  type ConfigEntry,
  type DeleteRecordsResult,
  type FetchOptions,
  type FetchPartitionRequest,
  type FetchResult,
  type IsolationLevel,
  type ListOffsetsResult,
  type ProduceResult,
  type StreamBrokerOptions,
  type TopicDescription,
  type TopicMetadata,
} from './types.js';

const DAY_MS = 24 * 3600 * 1000;

type Settings = Required<Omit<StreamBrokerOptions, 'topicConfigDefaults'>> & { topicConfigDefaults: TopicConfigs };

function withDefaults(options: StreamBrokerOptions): Settings {
  return {
    nodeId: options.nodeId ?? 0,
    autoCreateTopics: options.autoCreateTopics ?? true,
    defaultPartitions: options.defaultPartitions ?? 1,
    groupInitialRebalanceDelayMs: options.groupInitialRebalanceDelayMs ?? 0,
    groupMinSessionTimeoutMs: options.groupMinSessionTimeoutMs ?? 6000,
    groupMaxSessionTimeoutMs: options.groupMaxSessionTimeoutMs ?? 30 * 60 * 1000,
    offsetsRetentionMs: options.offsetsRetentionMs ?? 7 * DAY_MS,
    transactionMaxTimeoutMs: options.transactionMaxTimeoutMs ?? 15 * 60 * 1000,
    transactionalIdExpirationMs: options.transactionalIdExpirationMs ?? 7 * DAY_MS,
    producerIdExpirationMs: options.producerIdExpirationMs ?? DAY_MS,
    maintenanceIntervalMs: options.maintenanceIntervalMs ?? 1000,
    logCleanupIntervalMs: options.logCleanupIntervalMs ?? 5 * 60 * 1000,
    topicConfigDefaults: options.topicConfigDefaults ?? {},
  };
}

const UNKNOWN_PARTITION = kafkaCode('UNKNOWN_TOPIC_OR_PARTITION');

/** The streams core: one instance per broker. */
export class StreamBroker {
  private maintenanceTimer: NodeJS.Timeout | null = null;
  private maintenanceRunning: Promise<void> | null = null;
  private lastLogCleanup = Date.now();
  private closed = false;
  /** Topics being auto-created by produce calls. */
  private readonly creating = new Map<string, Promise<unknown>>();

  private constructor(
    private readonly settings: Settings,
    private readonly topics: TopicRegistry,
    private readonly offsets: OffsetStore,
    private readonly compactor: Compactor,
    /** Consumer group coordinator (JoinGroup ... DeleteGroups, offsets). */
    readonly groups: GroupCoordinator,
    /** Producer ids and transactions (InitProducerId ... EndTxn, TxnOffsetCommit). */
    readonly transactions: TransactionCoordinator,
  ) {}

  /** Opens the broker over `store`, restoring topics, offsets, producer and transaction state. */
  static async open(store: LogStore, options: StreamBrokerOptions = {}): Promise<StreamBroker> {
    const settings = withDefaults(options);
    const compactor = await Compactor.open(store);
    let coordinator: TransactionCoordinator | undefined;
    const topics = await TopicRegistry.open({
      store,
      brokerDefaults: settings.topicConfigDefaults,
      producerIdExpirationMs: settings.producerIdExpirationMs,
      txnGuard: (pid, epoch, topic, partition) => (coordinator ? coordinator.guardProduce(pid, epoch, topic, partition) : 'COORDINATOR_LOAD_IN_PROGRESS'),
    });
    const offsets = await OffsetStore.open(store);
    const groups = new GroupCoordinator({
      offsets,
      initialRebalanceDelayMs: settings.groupInitialRebalanceDelayMs,
      minSessionTimeoutMs: settings.groupMinSessionTimeoutMs,
      maxSessionTimeoutMs: settings.groupMaxSessionTimeoutMs,
      offsetsRetentionMs: settings.offsetsRetentionMs,
      partitionCount: (topic) => topics.get(topic)?.partitions.length,
      hasPendingTxnOffset: (group, topic, partition) => coordinator?.hasPendingOffset(group, topic, partition) ?? false,
    });
    coordinator = await TransactionCoordinator.open({
      store,
      offsets,
      groups,
      maxTimeoutMs: settings.transactionMaxTimeoutMs,
      partition: (topic, index) => topics.partition(topic, index),
    });
    const broker = new StreamBroker(settings, topics, offsets, compactor, groups, coordinator);
    broker.maintenanceTimer = setInterval(() => void broker.runMaintenance(), settings.maintenanceIntervalMs);
    broker.maintenanceTimer.unref();
    return broker;
  }

  /** This broker's node id: leader of every partition and coordinator of every group and transaction. */
  get nodeId(): number {
    return this.settings.nodeId;
  }

  // ---- topics ----

  /** Creates a topic (throws TOPIC_ALREADY_EXISTS, INVALID_TOPIC_EXCEPTION, INVALID_PARTITIONS, INVALID_CONFIG). */
  async createTopic(name: string, partitions = this.settings.defaultPartitions, configs: TopicConfigs = {}, validateOnly = false): Promise<TopicDescription> {
    return this.describe(await this.topics.create(name, partitions === -1 ? this.settings.defaultPartitions : partitions, configs, validateOnly));
  }

  /** Deletes a topic, its data and the committed offsets for it (throws UNKNOWN_TOPIC_OR_PARTITION). */
  async deleteTopic(name: string): Promise<void> {
    await this.topics.delete(name);
    await this.offsets.removeTopic(name);
  }

  /** Grows a topic to `totalCount` partitions (throws INVALID_PARTITIONS unless it grows). */
  async createPartitions(name: string, totalCount: number, validateOnly = false): Promise<void> {
    await this.topics.addPartitions(name, totalCount, validateOnly);
  }

  /** Every topic, sorted by name. */
  listTopics(): TopicDescription[] {
    return this.topics.list().map((t) => this.describe(t));
  }

  /** One topic, or undefined. */
  describeTopic(name: string): TopicDescription | undefined {
    const topic = this.topics.get(name);
    return topic && this.describe(topic);
  }

  private describe(topic: Topic): TopicDescription {
    return { name: topic.name, topicId: topic.topicId, partitions: topic.partitions.length, internal: false };
  }

  /**
   * Metadata for the named topics (all topics when `names` is null), auto-creating missing ones
   * when allowed by both the request and the broker.
   */
  async metadata(names: string[] | null, allowAutoCreate = true): Promise<TopicMetadata[]> {
    if (names === null) return this.listTopics().map((t) => ({ errorCode: NONE, ...t }));
    return Promise.all(
      names.map(async (name) => {
        try {
          const topic = allowAutoCreate && this.settings.autoCreateTopics ? await this.topics.ensure(name, this.settings.defaultPartitions) : this.topics.require(name);
          return { errorCode: NONE, ...this.describe(topic) };
        } catch (err) {
          return { errorCode: errorCodeOf(err), name, topicId: null, partitions: 0, internal: false };
        }
      }),
    );
  }

  /** DescribeConfigs for a topic (`keys` null = every config; throws UNKNOWN_TOPIC_OR_PARTITION). */
  describeConfigs(topic: string, keys: string[] | null = null): ConfigEntry[] {
    return describeTopicConfigs(this.topics.require(topic).configs, this.settings.topicConfigDefaults, keys);
  }

  /** The broker-level topic defaults, as DescribeConfigs for the broker resource reports them. */
  describeBrokerConfigs(keys: string[] | null = null): ConfigEntry[] {
    return describeTopicConfigs({}, this.settings.topicConfigDefaults, keys).map((e) => ({ ...e, readOnly: true }));
  }

  /** AlterConfigs: replaces every override of the topic (null values are left out). */
  async alterConfigs(topic: string, configs: Record<string, string | null>, validateOnly = false): Promise<void> {
    const next: TopicConfigs = {};
    for (const [key, value] of Object.entries(configs)) if (value !== null) next[key] = value;
    await this.topics.setConfigs(topic, next, validateOnly);
  }

  /** IncrementalAlterConfigs: set, delete, append to or subtract from single configs. */
  async incrementalAlterConfigs(topic: string, changes: ConfigAlteration[], validateOnly = false): Promise<void> {
    const current = this.topics.require(topic);
    const next: TopicConfigs = { ...current.configs };
    for (const { name, op, value } of changes) {
      if (op === OP_DELETE) {
        delete next[name];
        continue;
      }
      if (value === null) throw brokerError('INVALID_CONFIG', `no value given for ${name}`);
      if (op === OP_SET) next[name] = value;
      else if (!isListConfig(name)) throw brokerError('INVALID_CONFIG', `${name} is not a list; it cannot be appended to or subtracted from`);
      else next[name] = editList(configValue(name, next, this.settings.topicConfigDefaults), value, op === OP_APPEND);
    }
    await this.topics.setConfigs(topic, next, validateOnly);
  }

  // ---- data ----

  /**
   * Appends one record batch (exactly one batch, as Produce v3+ carries) to a partition. Validates
   * the CRC, max.message.bytes, idempotent sequence and transaction membership. `acks` 0/1/-1 all
   * wait for the append (a single broker has no replicas to wait for), so `acks` only documents
   * the caller's intent; with acks=0 the front-end simply sends no answer. Calls take offsets in
   * call order: the append is queued before this returns, or, while the topic is being auto-created,
   * once it exists, in the order the calls arrived.
   */
  produce(topic: string, partition: number, records: Buffer, acks = -1): Promise<ProduceResult> {
    if (!this.settings.autoCreateTopics || this.topics.get(topic) !== undefined) return this.appendTo(topic, partition, records);
    return this.autoCreated(topic).then(
      () => this.appendTo(topic, partition, records),
      (err: unknown) => ({ errorCode: errorCodeOf(err), errorMessage: errorMessageOf(err), baseOffset: -1, logAppendTime: -1, logStartOffset: -1 }),
    );
  }

  /** One shared creation per topic, so that produce calls waiting on it resume in arrival order. */
  private autoCreated(topic: string): Promise<unknown> {
    let created = this.creating.get(topic);
    if (created === undefined) {
      const forget = (): void => void this.creating.delete(topic);
      created = this.topics.ensure(topic, this.settings.defaultPartitions);
      created.then(forget, forget);
      this.creating.set(topic, created);
    }
    return created;
  }

  private async appendTo(topic: string, partition: number, records: Buffer): Promise<ProduceResult> {
    const target = this.topics.partition(topic, partition);
    if (target === undefined) {
      return { errorCode: UNKNOWN_PARTITION, errorMessage: `unknown partition ${topic}-${partition}`, baseOffset: -1, logAppendTime: -1, logStartOffset: -1 };
    }
    const result = await target.produce(records);
    return { ...result, logStartOffset: target.log.startOffset };
  }

  /** Reads one partition at once (no waiting). */
  async fetch(topic: string, partition: number, offset: number, maxBytes: number, isolationLevel: IsolationLevel): Promise<FetchResult> {
    const [result] = await this.fetchMany([{ topic, partition, offset, maxBytes }], { isolationLevel });
    return result;
  }

  /** Reads several partitions, long-polling up to maxWaitMs until minBytes are available. */
  fetchMany(requests: FetchPartitionRequest[], options: FetchOptions): Promise<FetchResult[]> {
    return fetchMany((topic, index) => this.topics.partition(topic, index), requests, options);
  }

  /** ListOffsets for one partition: -1 latest, -2 earliest, -3 max timestamp, or the first offset at/after a timestamp. */
  async listOffsets(topic: string, partition: number, timestamp: number, isolationLevel: IsolationLevel = 0): Promise<ListOffsetsResult> {
    const target = this.topics.partition(topic, partition);
    if (target === undefined) return { errorCode: UNKNOWN_PARTITION, timestamp: -1, offset: -1 };
    return target.listOffsets(timestamp, isolationLevel);
  }

  /** DeleteRecords for one partition: moves its start offset to `offset` (-1 = high watermark). */
  async deleteRecords(topic: string, partition: number, offset: number): Promise<DeleteRecordsResult> {
    const target = this.topics.partition(topic, partition);
    if (target === undefined) return { errorCode: UNKNOWN_PARTITION, lowWatermark: -1 };
    return target.deleteRecords(offset);
  }

  // ---- compaction and housekeeping ----

  /**
   * Compacts every partition of a topic with cleanup.policy=compact now (throws
   * UNKNOWN_TOPIC_OR_PARTITION); returns how many partitions were rewritten.
   */
  async compactNow(topic: string, now = Date.now()): Promise<number> {
    const t = this.topics.require(topic);
    let rewritten = 0;
    for (const partition of t.partitions) if (await this.compactor.compact(partition, t.resolved, now)) rewritten++;
    return rewritten;
  }

  /**
   * One housekeeping pass: transaction timeouts, transactional id and offset expiry every tick; log retention,
   * compaction and state-log snapshots every logCleanupIntervalMs. Runs at most once at a time.
   */
  runMaintenance(now = Date.now()): Promise<void> {
    this.maintenanceRunning ??= this.maintain(now).finally(() => {
      this.maintenanceRunning = null;
    });
    return this.maintenanceRunning;
  }

  private async maintain(now: number): Promise<void> {
    if (this.closed) return;
    try {
      await this.transactions.expireTransactions(now, this.settings.transactionalIdExpirationMs);
      await this.groups.expireOffsets(now);
      if (now - this.lastLogCleanup < this.settings.logCleanupIntervalMs) return;
      this.lastLogCleanup = now;
      await this.cleanLogs(now);
    } catch (err) {
      console.error('streams housekeeping failed:', err);
    }
  }

  /** Applies retention and compaction to every topic, then compacts the broker's own state logs. */
  async cleanLogs(now = Date.now()): Promise<void> {
    for (const topic of this.topics.list()) {
      for (const partition of topic.partitions) {
        if (topic.resolved.deleteByRetention) await partition.log.applyRetention(now);
        await this.compactor.compact(partition, topic.resolved, now);
        partition.producers.expire(now, this.settings.producerIdExpirationMs);
      }
    }
    await this.transactions.pruneAborted();
    await this.offsets.snapshot();
    await this.topics.snapshot();
  }

  // ---- introspection ----

  /** A group with members, assignments, committed offsets, end offsets and lag. */
  describeGroup(groupId: string): GroupSummary {
    return describeGroup(groupId, this.groups, this.offsets, (topic, index) => this.topics.partition(topic, index));
  }

  /** Every group known to the broker (with members or with committed offsets), summarised. */
  listGroupSummaries(): GroupSummary[] {
    return this.groups.listGroups().map((g) => this.describeGroup(g.groupId));
  }

  /**
   * Plans (execute=false) or applies (execute=true) an offset reset for an inactive group, on one
   * topic or, with topic null, every topic the group has offsets for. Throws NON_EMPTY_GROUP while
   * the group has members.
   */
  async resetOffsets(groupId: string, topic: string | null, spec: OffsetResetSpec, execute: boolean): Promise<OffsetResetEntry[]> {
    const group = this.groups.group(groupId);
    if (group !== undefined && !group.isEmpty) throw brokerError('NON_EMPTY_GROUP', `group ${groupId} has active members; stop them first`);
    const topics = topic === null ? [...new Set(this.offsets.entries(groupId).map((e) => e.topic))] : [topic];
    const plan = await planOffsetReset(groupId, topics.map((t) => this.topics.require(t)), spec, this.offsets);
    if (execute) {
      const now = Date.now();
      await this.offsets.commit(
        groupId,
        plan.map((p) => ({
          topic: p.topic,
          partition: p.partition,
          committed: { offset: p.newOffset, leaderEpoch: -1, metadata: '', commitTimestamp: now, expireTimestamp: -1 },
        })),
      );
    }
    return plan;
  }

  /** Stops housekeeping and group timers and closes the logs this broker opened (the store stays open). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.maintenanceTimer) clearInterval(this.maintenanceTimer);
    await this.maintenanceRunning;
    this.groups.shutdown();
    await this.topics.close();
    await this.offsets.close();
    await this.transactions.close();
    await this.compactor.close();
  }
}
