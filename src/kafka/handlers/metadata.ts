import { readMetadataRequest, type MetadataRequest } from '../codec/generated/metadata-request.js';
import { sizeOfMetadataResponse, writeMetadataResponse, type MetadataResponse, type MetadataResponseTopic } from '../codec/generated/metadata-response.js';
import type { TopicMetadata } from '../../core/streams/types.js';
import { kafkaCode } from '../../core/streams/error-codes.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { CLUSTER_ID, OPERATIONS_OMITTED, wireUuid } from './wire-shapes.js';

/** The topic names a Metadata request asks for, or null for every topic. */
function requestedNames(ctx: RequestContext, req: MetadataRequest): (string | null)[] | null {
  if (req.topics === null || (ctx.version === 0 && req.topics.length === 0)) return null;
  const byId = new Map(ctx.streams.listTopics().map((t) => [wireUuid(t.topicId), t.name]));
  return req.topics.map((t) => t.name ?? byId.get(t.topicId ?? '') ?? null);
}

function topicAnswer(ctx: RequestContext, t: TopicMetadata): MetadataResponseTopic {
  const { nodeId } = ctx.node;
  return {
    errorCode: t.errorCode,
    name: t.name,
    topicId: wireUuid(t.topicId),
    isInternal: t.internal,
    partitions: Array.from({ length: t.partitions }, (_, partitionIndex) => ({
      errorCode: 0,
      partitionIndex,
      leaderId: nodeId,
      leaderEpoch: 0,
      replicaNodes: [nodeId],
      isrNodes: [nodeId],
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: OPERATIONS_OMITTED,
  };
}

/** Metadata: this broker as the only node, leading every partition; topics auto-created when allowed. */
export const metadataHandler = defineHandler<MetadataRequest, MetadataResponse>({
  api: 'Metadata',
  read: readMetadataRequest,
  sizeOf: sizeOfMetadataResponse,
  write: writeMetadataResponse,
  async handle(ctx, req) {
    const names = requestedNames(ctx, req);
    const allowAutoCreate = ctx.version < 4 || (req.allowAutoTopicCreation ?? true);
    const known = names === null ? null : names.filter((n): n is string => n !== null);
    const found = await ctx.streams.metadata(known, allowAutoCreate);
    const unknownIds = names === null ? 0 : names.length - (known?.length ?? 0);
    const missing: TopicMetadata[] = Array.from({ length: unknownIds }, () => ({
      errorCode: kafkaCode('UNKNOWN_TOPIC_OR_PARTITION'),
      name: '',
      topicId: null,
      partitions: 0,
      internal: false,
    }));
    const { nodeId, host, port } = ctx.node;
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId, host, port, rack: null }],
      clusterId: CLUSTER_ID,
      controllerId: nodeId,
      topics: [...found, ...missing].map((t) => topicAnswer(ctx, t)),
      clusterAuthorizedOperations: OPERATIONS_OMITTED,
    };
  },
});
