import { readCreateTopicsRequest, type CreatableTopic, type CreateTopicsRequest } from '../codec/generated/create-topics-request.js';
import {
  sizeOfCreateTopicsResponse,
  writeCreateTopicsResponse,
  type CreatableTopicResult,
  type CreateTopicsResponse,
} from '../codec/generated/create-topics-response.js';
import { errorCodeOf, errorMessageOf, kafkaCode } from '../../core/streams/error-codes.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { wireUuid } from './wire-shapes.js';

/** -1 asks for the broker's default partition count or replication factor (v4+). */
const BROKER_DEFAULT = -1;

async function createTopic(ctx: RequestContext, t: CreatableTopic, validateOnly: boolean): Promise<CreatableTopicResult> {
  const failed = (errorCode: number, errorMessage: string): CreatableTopicResult => ({
    name: t.name,
    errorCode,
    errorMessage,
    topicConfigErrorCode: 0,
    numPartitions: -1,
    replicationFactor: -1,
    configs: null,
  });
  if (t.replicationFactor !== BROKER_DEFAULT && t.replicationFactor !== 1) {
    return failed(kafkaCode('INVALID_REPLICATION_FACTOR'), `Replication factor: ${t.replicationFactor} larger than available brokers: 1.`);
  }
  const configs: Record<string, string> = {};
  for (const c of t.configs) if (c.value !== null) configs[c.name] = c.value;
  const partitions = t.assignments.length > 0 ? t.assignments.length : t.numPartitions === BROKER_DEFAULT ? undefined : t.numPartitions;
  try {
    const created = await ctx.streams.createTopic(t.name, partitions, configs, validateOnly);
    const entries = validateOnly ? [] : ctx.streams.describeConfigs(t.name);
    return {
      name: t.name,
      topicId: wireUuid(created.topicId),
      errorCode: 0,
      errorMessage: null,
      topicConfigErrorCode: 0,
      numPartitions: created.partitions,
      replicationFactor: 1,
      configs: entries.map((e) => ({ name: e.name, value: e.value, readOnly: e.readOnly, configSource: e.source, isSensitive: e.isSensitive })),
    };
  } catch (err) {
    return failed(errorCodeOf(err), errorMessageOf(err));
  }
}

/** CreateTopics: creates each topic (replication factor 1 on this single node). */
export const createTopicsHandler = defineHandler<CreateTopicsRequest, CreateTopicsResponse>({
  api: 'CreateTopics',
  read: readCreateTopicsRequest,
  sizeOf: sizeOfCreateTopicsResponse,
  write: writeCreateTopicsResponse,
  async handle(ctx, req) {
    const topics: CreatableTopicResult[] = [];
    for (const t of req.topics) topics.push(await createTopic(ctx, t, req.validateOnly ?? false));
    return { throttleTimeMs: 0, topics };
  },
});
