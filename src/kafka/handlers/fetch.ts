import { readFetchRequest, type FetchRequest } from '../codec/generated/fetch-request.js';
import { sizeOfFetchResponse, writeFetchResponse, type FetchResponse } from '../codec/generated/fetch-response.js';
import type { FetchResult, IsolationLevel } from '../../core/streams/types.js';
import { defineHandler } from '../handler.js';

/** Fetch v4 is the first to return record batches (magic 2) with transactional fields. */
const FIRST_RECORD_BATCH_VERSION = 4;
/** Fetch v13 names topics by id only. */
const LAST_TOPIC_NAME_VERSION = 12;

function partitionAnswer(partitionIndex: number, r: FetchResult) {
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

/**
 * Fetch: reads every asked partition, long-polling until min bytes or max wait. Records are the
 * stored batches as they are. Fetch sessions are not kept: every answer is a full one (session 0).
 */
export const fetchHandler = defineHandler<FetchRequest, FetchResponse>({
  api: 'Fetch',
  minVersion: FIRST_RECORD_BATCH_VERSION,
  maxVersion: LAST_TOPIC_NAME_VERSION,
  concurrent: true,
  read: readFetchRequest,
  sizeOf: sizeOfFetchResponse,
  write: writeFetchResponse,
  async handle(ctx, req) {
    const wanted = req.topics.flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.topic ?? '', partition: p.partition, offset: Number(p.fetchOffset), maxBytes: p.partitionMaxBytes })),
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
      partitions: t.partitions.map((p) => partitionAnswer(p.partition, results[next++])),
    }));
    return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses };
  },
});
