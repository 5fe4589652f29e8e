import { parseArgs } from 'node:util';
import { COMMON_OPTIONS, ADMIN_OPTIONS_HELP, requiredSegment, adminUrl, callAdmin, formatTable } from './admin-client.js';

/** Help text of `switchyard topics`, shaped like kafka-topics.sh. */
export const TOPICS_HELP = `Usage: switchyard topics <action> [options]

Actions:
  --list                                   list topic names
  --describe [--topic T]                   partitions, offsets and non-default configs (all topics without --topic)
  --create --topic T [--partitions N] [--config K=V ...]
  --alter --topic T --partitions N         add partitions
  --delete --topic T

Options:
${ADMIN_OPTIONS_HELP}
`;

/** A topic as the admin API lists it. */
export interface TopicListing {
  name: string;
  topicId: string;
  partitions: number;
  internal: boolean;
}

/** A topic as the admin API describes it. */
export interface TopicDetail extends TopicListing {
  configs: Record<string, string>;
  partitionDetails: { partition: number; startOffset: number; endOffset: number; sizeBytes: number }[];
}

/** Runs `switchyard topics`; returns the text to print. */
export async function topicsCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...COMMON_OPTIONS,
      list: { type: 'boolean' },
      describe: { type: 'boolean' },
      create: { type: 'boolean' },
      alter: { type: 'boolean' },
      delete: { type: 'boolean' },
      topic: { type: 'string' },
      partitions: { type: 'string' },
      config: { type: 'string', multiple: true },
    },
    strict: true,
  });
  if (values.help) return TOPICS_HELP;
  const base = adminUrl(values.server, env);
  const topic = () => requiredSegment('topic', values.topic);
  if (values.list) {
    const topics = await callAdmin<TopicListing[]>(base, 'GET', '/api/topics');
    return topics.map((t) => t.name).join('\n');
  }
  if (values.describe) {
    const names = values.topic ? [values.topic] : (await callAdmin<TopicListing[]>(base, 'GET', '/api/topics')).map((t) => t.name);
    const details = await Promise.all(names.map((name) => callAdmin<TopicDetail>(base, 'GET', `/api/topics/${encodeURIComponent(name)}`)));
    return details.map(describeTopic).join('\n\n');
  }
  if (values.create) {
    const partitions = values.partitions === undefined ? undefined : positiveInteger('--partitions', values.partitions);
    await callAdmin(base, 'PUT', `/api/topics/${topic()}`, { partitions, configs: parseConfigs(values.config ?? []) });
    return `Created topic ${values.topic}.`;
  }
  if (values.alter) {
    if (values.partitions === undefined) throw new Error('--alter needs --partitions');
    await callAdmin(base, 'POST', `/api/topics/${topic()}/partitions`, { count: positiveInteger('--partitions', values.partitions) });
    return `Topic ${values.topic} now has ${values.partitions} partitions.`;
  }
  if (values.delete) {
    await callAdmin(base, 'DELETE', `/api/topics/${topic()}`);
    return `Deleted topic ${values.topic}.`;
  }
  throw new Error(`name one action: --list, --describe, --create, --alter or --delete\n\n${TOPICS_HELP}`);
}

function describeTopic(topic: TopicDetail): string {
  const configs = Object.entries(topic.configs).map(([key, value]) => `${key}=${value}`).join(',');
  const heading = `Topic: ${topic.name}\tTopicId: ${topic.topicId}\tPartitionCount: ${topic.partitions}\tReplicationFactor: 1\tConfigs: ${configs}`;
  const rows = topic.partitionDetails.map((p) => [p.partition, 0, p.startOffset, p.endOffset, p.sizeBytes]);
  return `${heading}\n${formatTable(['PARTITION', 'LEADER', 'START-OFFSET', 'END-OFFSET', 'SIZE-BYTES'], rows)}`;
}

function parseConfigs(pairs: string[]): Record<string, string> {
  const configs: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--config takes KEY=VALUE, not '${pair}'`);
    configs[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return configs;
}

/** Parses a whole number of at least 1 given for `flag`. */
export function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} must be a whole number of at least 1, not '${text}'`);
  return value;
}
