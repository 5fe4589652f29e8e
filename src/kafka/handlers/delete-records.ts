import { readDeleteRecordsRequest, type DeleteRecordsRequest } from '../codec/generated/delete-records-request.js';
import { sizeOfDeleteRecordsResponse, writeDeleteRecordsResponse, type DeleteRecordsResponse } from '../codec/generated/delete-records-response.js';
import { defineHandler } from '../handler.js';

/** DeleteRecords: moves each partition's start offset forward. */
export const deleteRecordsHandler = defineHandler<DeleteRecordsRequest, DeleteRecordsResponse>({
  api: 'DeleteRecords',
  read: readDeleteRecordsRequest,
  sizeOf: sizeOfDeleteRecordsResponse,
  write: writeDeleteRecordsResponse,
  async handle(ctx, req) {
    const topics = await Promise.all(
      req.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(
          t.partitions.map(async (p) => {
            const r = await ctx.streams.deleteRecords(t.name, p.partitionIndex, Number(p.offset));
            return { partitionIndex: p.partitionIndex, lowWatermark: BigInt(r.lowWatermark), errorCode: r.errorCode };
          }),
        ),
      })),
    );
    return { throttleTimeMs: 0, topics };
  },
});
