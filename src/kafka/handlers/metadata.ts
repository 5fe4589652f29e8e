import { readMetadataRequest, type MetadataRequest } from '../codec/generated/metadata-request.js';
import { sizeOfMetadataResponse, writeMetadataResponse, type MetadataResponse, type MetadataResponseTopic } from '../codec/generated/metadata-response.js';
import type { TopicMetadata } from '../../core/streams/types.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { CLUSTER_ID, OPERATIONS_OMITTED, UNKNOWN_TOPIC_ID, wireUuid } from './wire-shapes.js';

/** The topic names a Metadata request asks for, or null for every topic. */
function requestedNames(ctx: RequestContext, req: MetadataRequest): (string | null)[] | null {
  if (req.topics === null || (ctx.version === 0 && req.topics.length === 0)) return null;
  if (req.topics.every((t) => t.name !== null)) return req.topics.map((t) => t.name);
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

function unknownTopicId(topicId: string | undefined): MetadataResponseTopic {
  return { errorCode: UNKNOWN_TOPIC_ID, name: null, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: OPERATIONS_OMITTED };
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
    const found = await ctx.streams.metadata(names === null ? null : names.filter((n): n is string => n !== null), allowAutoCreate);
    let next = 0;
    const topics =
      names === null
        ? found.map((t) => topicAnswer(ctx, t))
        : names.map((name, i) => (name === null ? unknownTopicId(req.topics![i].topicId) : topicAnswer(ctx, found[next++])));
    const { nodeId, host, port } = ctx.node;
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId, host, port, rack: null }],
      clusterId: CLUSTER_ID,
      controllerId: nodeId,
      topics,
      clusterAuthorizedOperations: OPERATIONS_OMITTED,
    };
  },
});
