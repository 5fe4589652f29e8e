import { readListOffsetsRequest, type ListOffsetsRequest } from '../codec/generated/list-offsets-request.js';
import { sizeOfListOffsetsResponse, writeListOffsetsResponse, type ListOffsetsResponse } from '../codec/generated/list-offsets-response.js';
import type { IsolationLevel } from '../../core/streams/types.js';
import { defineHandler } from '../handler.js';

/** ListOffsets: the offset for a timestamp, or the earliest (-2), latest (-1) or max-timestamp (-3) one. */
export const listOffsetsHandler = defineHandler<ListOffsetsRequest, ListOffsetsResponse>({
  api: 'ListOffsets',
  read: readListOffsetsRequest,
  sizeOf: sizeOfListOffsetsResponse,
  write: writeListOffsetsResponse,
  async handle(ctx, req) {
    const isolation = (req.isolationLevel === 1 ? 1 : 0) as IsolationLevel;
    const topics = await Promise.all(
      req.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(
          t.partitions.map(async (p) => {
            const r = await ctx.streams.listOffsets(t.name, p.partitionIndex, Number(p.timestamp), isolation);
            return {
              partitionIndex: p.partitionIndex,
              errorCode: r.errorCode,
              oldStyleOffsets: r.offset >= 0 ? [BigInt(r.offset)] : [],
              timestamp: BigInt(r.timestamp),
              offset: BigInt(r.offset),
              leaderEpoch: 0,
            };
          }),
        ),
      })),
    );
    return { throttleTimeMs: 0, topics };
  },
});
