import { readOffsetFetchRequest, type OffsetFetchRequest } from '../codec/generated/offset-fetch-request.js';
import { sizeOfOffsetFetchResponse, writeOffsetFetchResponse, type OffsetFetchResponse } from '../codec/generated/offset-fetch-response.js';
import type { OffsetFetchResult } from '../../core/streams/group-types.js';
import type { TopicPartitions } from '../../core/streams/group-types.js';
import { defineHandler } from '../handler.js';

type WireTopics = { name: string; partitionIndexes: number[] }[] | null;

const toCore = (topics: WireTopics): TopicPartitions[] | null =>
  topics === null ? null : topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes }));

const toWire = (result: OffsetFetchResult) =>
  result.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({
      partitionIndex: p.partition,
      committedOffset: BigInt(p.offset),
      committedLeaderEpoch: p.leaderEpoch,
      metadata: p.metadata,
      errorCode: p.errorCode,
    })),
  }));

/** OffsetFetch: a group's committed positions (one group before v8, several from v8). */
export const offsetFetchHandler = defineHandler<OffsetFetchRequest, OffsetFetchResponse>({
  api: 'OffsetFetch',
  read: readOffsetFetchRequest,
  sizeOf: sizeOfOffsetFetchResponse,
  write: writeOffsetFetchResponse,
  handle(ctx, req) {
    const requireStable = req.requireStable ?? false;
    if (ctx.version >= 8) {
      const groups = (req.groups ?? []).map((g) => {
        const result = ctx.streams.groups.offsetFetch(g.groupId, toCore(g.topics), requireStable);
        return { groupId: g.groupId, topics: toWire(result), errorCode: result.errorCode };
      });
      return { throttleTimeMs: 0, groups };
    }
    const result = ctx.streams.groups.offsetFetch(req.groupId ?? '', toCore(req.topics ?? null), requireStable);
    return { throttleTimeMs: 0, topics: toWire(result), errorCode: result.errorCode };
  },
});
