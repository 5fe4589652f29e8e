/**
 * The topics of the broker: creation, deletion, partition growth and config changes, persisted in
 * the `__switchyard.topics` state log and restored (with each partition's producer and transaction
 * state) on open. Partition `p` of topic `t` lives in the log named `t-p`.
 */
import { randomUUID } from 'node:crypto';
import type { LogStore } from '../../storage/types.js';
import { brokerError } from './error-codes.js';
import { Partition, type TxnGuard } from './partition.js';
import { StateLog } from './state-log.js';
import { resolveTopicConfig, toLogConfig, validateTopicConfigs, type ResolvedTopicConfig, type TopicConfigs } from './topic-config.js';
import { collisionKey, validateTopicName } from './topic-name.js';

/** Name of the log holding topic metadata. */
export const TOPICS_LOG = '__switchyard.topics';
/** Most partitions a topic may have. */
const MAX_PARTITIONS = 10000;

interface TopicRecord {
  topicId: string;
  partitions: number;
  configs: TopicConfigs;
}

/** One topic: identity, config overrides and partitions. */
export class Topic {
  readonly partitions: Partition[] = [];
  resolved: ResolvedTopicConfig;

  constructor(
    readonly name: string,
    readonly topicId: string,
    public configs: TopicConfigs,
    brokerDefaults: TopicConfigs,
  ) {
    this.resolved = resolveTopicConfig(configs, brokerDefaults);
  }
}

/** What the registry needs from the broker around it. */
export interface TopicRegistryContext {
  store: LogStore;
  brokerDefaults: TopicConfigs;
  txnGuard: TxnGuard;
  /** How far back (ms of record time) partition recovery scans for producer state. */
  producerIdExpirationMs: number;
}

/** The broker's topics. */
export class TopicRegistry {
  private readonly topics = new Map<string, Topic>();
  private readonly pending = new Map<string, Promise<Topic>>();

  private constructor(
    private readonly ctx: TopicRegistryContext,
    private readonly meta: StateLog<TopicRecord>,
  ) {}

  /** Opens the registry and every stored topic's partitions. */
  static async open(ctx: TopicRegistryContext): Promise<TopicRegistry> {
    const registry = new TopicRegistry(ctx, await StateLog.open<TopicRecord>(ctx.store, TOPICS_LOG));
    for (const [name, record] of registry.meta.entries) {
      const topic = new Topic(name, record.topicId, record.configs, ctx.brokerDefaults);
      await registry.openPartitions(topic, record.partitions, true);
      registry.topics.set(name, topic);
    }
    return registry;
  }

  /** The topic named `name`, if it exists. */
  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  /** Partition `index` of topic `name`, if both exist. */
  partition(name: string, index: number): Partition | undefined {
    return this.topics.get(name)?.partitions[index];
  }

  /** Every topic, sorted by name. */
  list(): Topic[] {
    return [...this.topics.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Creates a topic (throws TOPIC_ALREADY_EXISTS, INVALID_TOPIC_EXCEPTION, INVALID_PARTITIONS, INVALID_CONFIG). */
  async create(name: string, partitions: number, configs: TopicConfigs, validateOnly = false): Promise<Topic> {
    validateTopicName(name);
    if (this.topics.has(name) || this.pending.has(name)) throw brokerError('TOPIC_ALREADY_EXISTS', `topic ${name} already exists`);
    const collision = [...this.topics.keys(), ...this.pending.keys()].find((t) => collisionKey(t) === collisionKey(name));
    if (collision) throw brokerError('INVALID_TOPIC_EXCEPTION', `topic ${name} collides with existing topic ${collision}`);
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
      throw brokerError('INVALID_PARTITIONS', `partition count must be between 1 and ${MAX_PARTITIONS}, got ${partitions}`);
    }
    validateTopicConfigs(configs);
    const topic = new Topic(name, randomUUID(), { ...configs }, this.ctx.brokerDefaults);
    if (validateOnly) return topic;
    const creation = this.persistNew(topic, partitions);
    this.pending.set(name, creation);
    try {
      return await creation;
    } finally {
      this.pending.delete(name);
    }
  }

  /** The topic `name`, creating it with `partitions` partitions if missing (concurrent callers share one creation). */
  async ensure(name: string, partitions: number): Promise<Topic> {
    const existing = this.topics.get(name) ?? this.pending.get(name);
    if (existing) return existing;
    return this.create(name, partitions, {});
  }

  private async persistNew(topic: Topic, partitions: number): Promise<Topic> {
    await this.openPartitions(topic, partitions, false);
    await this.meta.write([[topic.name, this.recordOf(topic)]]);
    this.topics.set(topic.name, topic);
    return topic;
  }

  /** Deletes a topic and its logs (throws UNKNOWN_TOPIC_OR_PARTITION). */
  async delete(name: string): Promise<Topic> {
    const topic = this.require(name);
    this.topics.delete(name);
    await this.meta.write([[name, null]]);
    for (const partition of topic.partitions) {
      await this.ctx.store.delete(partition.log.name);
      partition.notifyChange();
    }
    return topic;
  }

  /** Grows a topic to `count` partitions (throws INVALID_PARTITIONS unless it grows). */
  async addPartitions(name: string, count: number, validateOnly = false): Promise<void> {
    const topic = this.require(name);
    const current = topic.partitions.length;
    if (!Number.isInteger(count) || count <= current || count > MAX_PARTITIONS) {
      throw brokerError('INVALID_PARTITIONS', `topic ${name} has ${current} partitions; the new count must be larger (got ${count})`);
    }
    if (validateOnly) return;
    await this.openPartitions(topic, count, false);
    await this.meta.write([[name, this.recordOf(topic)]]);
  }

  /** Replaces a topic's config overrides (validated) and applies them to its logs. */
  async setConfigs(name: string, configs: TopicConfigs, validateOnly = false): Promise<void> {
    const topic = this.require(name);
    validateTopicConfigs(configs);
    if (validateOnly) return;
    topic.configs = { ...configs };
    topic.resolved = resolveTopicConfig(topic.configs, this.ctx.brokerDefaults);
    for (const partition of topic.partitions) partition.log.reconfigure(toLogConfig(topic.resolved));
    await this.meta.write([[name, this.recordOf(topic)]]);
  }

  /** The topic named `name`, or UNKNOWN_TOPIC_OR_PARTITION. */
  require(name: string): Topic {
    const topic = this.topics.get(name);
    if (topic === undefined) throw brokerError('UNKNOWN_TOPIC_OR_PARTITION', `unknown topic ${name}`);
    return topic;
  }

  /** Compacts the topic metadata log if it has grown. */
  async snapshot(): Promise<void> {
    await this.meta.snapshotIfNeeded();
  }

  /** Closes the metadata log and every partition log. */
  async close(): Promise<void> {
    for (const topic of this.topics.values()) for (const partition of topic.partitions) await partition.log.close();
    await this.meta.close();
  }

  private recordOf(topic: Topic): TopicRecord {
    return { topicId: topic.topicId, partitions: topic.partitions.length, configs: topic.configs };
  }

  private async openPartitions(topic: Topic, count: number, recover: boolean): Promise<void> {
    const now = Date.now();
    for (let index = topic.partitions.length; index < count; index++) {
      const name = `${topic.name}-${index}`;
      // A new partition starts empty, even if a stop left a log of that name behind.
      if (!recover) await this.ctx.store.delete(name);
      const log = await this.ctx.store.open(name, toLogConfig(topic.resolved));
      const partition = new Partition(topic.name, index, log, () => topic.resolved, this.ctx.txnGuard);
      if (recover) {
        const from = (await log.offsetForTimestamp(now - this.ctx.producerIdExpirationMs)) ?? log.highWatermark;
        await partition.recover(from, now);
      }
      topic.partitions.push(partition);
    }
  }
}
