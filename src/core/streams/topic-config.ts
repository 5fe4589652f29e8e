/**
 * Topic configuration: the supported keys with Kafka's defaults and validation, resolution of a
 * topic's overrides over broker defaults, and the mapping onto the log engine's settings.
 */
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../storage/types.js';
import { brokerError } from './error-codes.js';
import { SOURCE_DEFAULT_CONFIG, SOURCE_STATIC_BROKER_CONFIG, SOURCE_TOPIC_CONFIG, type ConfigEntry } from './types.js';

type ConfigKind = 'long' | 'int' | 'double' | 'boolean' | 'string' | 'list';

interface ConfigDef {
  kind: ConfigKind;
  defaultValue: string;
  min?: number;
  /** Allowed values (each list element for 'list'). */
  choices?: string[];
}

const DAY_MS = 24 * 3600 * 1000;
const INT_MAX = 2147483647;

/** Kafka's ConfigType numbers per kind (DescribeConfigs v3+). */
const CONFIG_TYPE: Record<ConfigKind, number> = { boolean: 1, string: 2, int: 3, long: 5, double: 6, list: 7 };

/** Every topic config the broker accepts, with Kafka's defaults. */
const TOPIC_CONFIGS: Record<string, ConfigDef> = {
  'cleanup.policy': { kind: 'list', defaultValue: 'delete', choices: ['delete', 'compact'] },
  'compression.type': { kind: 'string', defaultValue: 'producer', choices: ['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'] },
  'delete.retention.ms': { kind: 'long', defaultValue: String(DAY_MS), min: 0 },
  'file.delete.delay.ms': { kind: 'long', defaultValue: '60000', min: 0 },
  'flush.messages': { kind: 'long', defaultValue: '9223372036854775807', min: 1 },
  'flush.ms': { kind: 'long', defaultValue: '9223372036854775807', min: 0 },
  'index.interval.bytes': { kind: 'int', defaultValue: '4096', min: 0 },
  'max.compaction.lag.ms': { kind: 'long', defaultValue: '9223372036854775807', min: 1 },
  'max.message.bytes': { kind: 'int', defaultValue: '1048588', min: 0 },
  'message.timestamp.type': { kind: 'string', defaultValue: 'CreateTime', choices: ['CreateTime', 'LogAppendTime'] },
  'message.timestamp.difference.max.ms': { kind: 'long', defaultValue: '9223372036854775807', min: 0 },
  'min.cleanable.dirty.ratio': { kind: 'double', defaultValue: '0.5', min: 0 },
  'min.compaction.lag.ms': { kind: 'long', defaultValue: '0', min: 0 },
  'min.insync.replicas': { kind: 'int', defaultValue: '1', min: 1 },
  'preallocate': { kind: 'boolean', defaultValue: 'false' },
  'retention.bytes': { kind: 'long', defaultValue: '-1' },
  'retention.ms': { kind: 'long', defaultValue: String(7 * DAY_MS), min: -1 },
  'segment.bytes': { kind: 'int', defaultValue: String(1024 * 1024 * 1024), min: 14 },
  'segment.index.bytes': { kind: 'int', defaultValue: String(10 * 1024 * 1024), min: 4 },
  'segment.ms': { kind: 'long', defaultValue: String(7 * DAY_MS), min: 1 },
  'unclean.leader.election.enable': { kind: 'boolean', defaultValue: 'false' },
};

/** A topic's config overrides, by key. */
export type TopicConfigs = Record<string, string>;

/** The effective settings of a topic that the broker acts on. */
export interface ResolvedTopicConfig {
  retentionMs: number;
  retentionBytes: number;
  segmentBytes: number;
  segmentMs: number;
  maxMessageBytes: number;
  compact: boolean;
  deleteByRetention: boolean;
  logAppendTime: boolean;
  deleteRetentionMs: number;
  minCompactionLagMs: number;
}

function invalid(name: string, value: string, why: string): Error {
  return brokerError('INVALID_CONFIG', `invalid value "${value}" for configuration ${name}: ${why}`);
}

function listItems(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function checkValue(name: string, def: ConfigDef, value: string): void {
  switch (def.kind) {
    case 'long':
    case 'int': {
      if (!/^-?\d+$/.test(value.trim())) throw invalid(name, value, 'not an integer');
      const n = Number(value);
      if (def.kind === 'int' && n > INT_MAX) throw invalid(name, value, 'out of int range');
      if (def.min !== undefined && n < def.min) throw invalid(name, value, `below ${def.min}`);
      return;
    }
    case 'double': {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw invalid(name, value, 'not a number');
      if (def.min !== undefined && n < def.min) throw invalid(name, value, `below ${def.min}`);
      return;
    }
    case 'boolean':
      if (value !== 'true' && value !== 'false') throw invalid(name, value, 'not true or false');
      return;
    case 'string':
      if (def.choices && !def.choices.includes(value)) throw invalid(name, value, `expected one of ${def.choices.join(', ')}`);
      return;
    case 'list':
      for (const item of listItems(value)) {
        if (def.choices && !def.choices.includes(item)) throw invalid(name, value, `expected items of ${def.choices.join(', ')}`);
      }
  }
}

/** Throws INVALID_CONFIG if any key is unknown or any value is malformed. */
export function validateTopicConfigs(configs: TopicConfigs): void {
  for (const [name, value] of Object.entries(configs)) {
    const def = TOPIC_CONFIGS[name];
    if (def === undefined) throw brokerError('INVALID_CONFIG', `unknown topic configuration ${name}`);
    checkValue(name, def, value);
  }
}

/** True if `name` is a list-valued config (for IncrementalAlterConfigs APPEND and SUBTRACT). */
export function isListConfig(name: string): boolean {
  return TOPIC_CONFIGS[name]?.kind === 'list';
}

/** The value in force for `name`: the topic override, else the broker default, else Kafka's default. */
export function configValue(name: string, overrides: TopicConfigs, brokerDefaults: TopicConfigs): string {
  return overrides[name] ?? brokerDefaults[name] ?? TOPIC_CONFIGS[name].defaultValue;
}

/** Kafka's "effectively unlimited" long, as a JavaScript number. */
function long(value: string): number {
  const n = Number(value);
  return n > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : n;
}

/** The effective settings of a topic. */
export function resolveTopicConfig(overrides: TopicConfigs, brokerDefaults: TopicConfigs): ResolvedTopicConfig {
  const get = (name: string): string => configValue(name, overrides, brokerDefaults);
  const policy = listItems(get('cleanup.policy'));
  return {
    retentionMs: long(get('retention.ms')),
    retentionBytes: long(get('retention.bytes')),
    segmentBytes: long(get('segment.bytes')),
    segmentMs: long(get('segment.ms')),
    maxMessageBytes: long(get('max.message.bytes')),
    compact: policy.includes('compact'),
    deleteByRetention: policy.includes('delete'),
    logAppendTime: get('message.timestamp.type') === 'LogAppendTime',
    deleteRetentionMs: long(get('delete.retention.ms')),
    minCompactionLagMs: long(get('min.compaction.lag.ms')),
  };
}

/** The log engine settings for a topic's partitions. */
export function toLogConfig(config: ResolvedTopicConfig): Partial<LogConfig> {
  return {
    segmentBytes: config.segmentBytes,
    segmentMs: config.segmentMs,
    retentionMs: config.deleteByRetention ? config.retentionMs : -1,
    retentionBytes: config.deleteByRetention ? config.retentionBytes : -1,
    maxBatchBytes: Math.max(config.maxMessageBytes, DEFAULT_LOG_CONFIG.maxBatchBytes),
  };
}

/** DescribeConfigs entries for a topic; `keys` null means every config. */
export function describeTopicConfigs(overrides: TopicConfigs, brokerDefaults: TopicConfigs, keys: string[] | null): ConfigEntry[] {
  const names = keys ?? Object.keys(TOPIC_CONFIGS);
  return names
    .filter((name) => TOPIC_CONFIGS[name] !== undefined)
    .map((name) => {
      const source =
        overrides[name] !== undefined ? SOURCE_TOPIC_CONFIG : brokerDefaults[name] !== undefined ? SOURCE_STATIC_BROKER_CONFIG : SOURCE_DEFAULT_CONFIG;
      return {
        name,
        value: configValue(name, overrides, brokerDefaults),
        readOnly: false,
        isDefault: source === SOURCE_DEFAULT_CONFIG,
        source,
        isSensitive: false,
        configType: CONFIG_TYPE[TOPIC_CONFIGS[name].kind],
      };
    });
}

/** Applies IncrementalAlterConfigs-style list edits: the new value of a list config. */
export function editList(current: string, value: string, add: boolean): string {
  const items = listItems(current);
  const edits = listItems(value);
  const next = add ? [...items, ...edits.filter((e) => !items.includes(e))] : items.filter((i) => !edits.includes(i));
  return next.join(',');
}
