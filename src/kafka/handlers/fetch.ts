import { readFetchRequest, type FetchRequest, type FetchTopic } from '../codec/generated/fetch-request.js';
import { sizeOfFetchResponse, writeFetchResponse, type FetchResponse, type PartitionData } from '../codec/generated/fetch-response.js';
import type { FetchResult, IsolationLevel } from '../../core/streams/types.js';
import { defineHandler } from '../handler.js';
import { UNKNOWN_TOPIC_ID, wireUuid } from './wire-shapes.js';

/** Fetch v4 is the first to return record batches (magic 2) with transactional fields. */
const FIRST_RECORD_BATCH_VERSION = 4;
/** From v13 topics are named by id only. */
const FIRST_TOPIC_ID_VERSION = 13;

function partitionAnswer(partitionIndex: number, r: FetchResult): PartitionData {
  return {
    partitionIndex,
    errorCode: r.errorCode,
    highWatermark: BigInt(r.highWatermark),
    lastStableOffset: BigInt(r.lastStableOffset),
    logStartOffset: BigInt(r.logStartOffset),
    abortedTransactions: r.abortedTransactions?.map((a) => ({ producerId: BigInt(a.producerId), firstOffset: BigInt(a.firstOffset) })) ?? null,
    preferredReadReplica: -1,
    records: r.records,
  };
}

function unknownTopicIdAnswer(partitionIndex: number): PartitionData {
  return { partitionIndex, errorCode: UNKNOWN_TOPIC_ID, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, abortedTransactions: null, preferredReadReplica: -1, records: null };
}

/**
 * Fetch: reads every asked partition, long-polling until min bytes or max wait. Records are the
 * stored batches as they are. Topics are named (v4-v12) or identified by id (v13+). Fetch sessions
 * are not kept: every answer is a full one (session 0).
 */
export const fetchHandler = defineHandler<FetchRequest, FetchResponse>({
  api: 'Fetch',
  minVersion: FIRST_RECORD_BATCH_VERSION,
  order: 'free',
  read: readFetchRequest,
  sizeOf: sizeOfFetchResponse,
  write: writeFetchResponse,
  async handle(ctx, req) {
    const byId = ctx.version >= FIRST_TOPIC_ID_VERSION ? new Map(ctx.streams.listTopics().map((t) => [wireUuid(t.topicId), t.name])) : null;
    const nameOf = (t: FetchTopic): string | undefined => (byId === null ? t.topic : byId.get(t.topicId ?? ''));
    const known = req.topics.filter((t) => nameOf(t) !== undefined);
    const wanted = known.flatMap((t) =>
      t.partitions.map((p) => ({ topic: nameOf(t)!, partition: p.partition, offset: Number(p.fetchOffset), maxBytes: p.partitionMaxBytes })),
    );
    const results = await ctx.streams.fetchMany(wanted, {
      isolationLevel: (req.isolationLevel === 1 ? 1 : 0) as IsolationLevel,
      minBytes: req.minBytes,
      maxWaitMs: req.maxWaitMs,
      maxBytes: req.maxBytes,
      signal: ctx.signal,
    });
    let next = 0;
    const responses = req.topics.map((t) => ({
      topic: t.topic,
      topicId: t.topicId,
      partitions: t.partitions.map((p) => (nameOf(t) === undefined ? unknownTopicIdAnswer(p.partition) : partitionAnswer(p.partition, results[next++]))),
    }));
    return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses };
  },
});
