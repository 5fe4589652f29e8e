import { readOffsetDeleteRequest, type OffsetDeleteRequest } from '../codec/generated/offset-delete-request.js';
import { sizeOfOffsetDeleteResponse, writeOffsetDeleteResponse, type OffsetDeleteResponse } from '../codec/generated/offset-delete-response.js';
import { defineHandler } from '../handler.js';
import { topicPartitionErrors } from './wire-shapes.js';

/** OffsetDelete: removes committed offsets of topics the group no longer consumes. */
export const offsetDeleteHandler = defineHandler<OffsetDeleteRequest, OffsetDeleteResponse>({
  api: 'OffsetDelete',
  read: readOffsetDeleteRequest,
  sizeOf: sizeOfOffsetDeleteResponse,
  write: writeOffsetDeleteResponse,
  async handle(ctx, req) {
    const topics = req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partitionIndex) }));
    const result = await ctx.streams.groups.offsetDelete(req.groupId, topics);
    return { errorCode: result.errorCode, throttleTimeMs: 0, topics: topicPartitionErrors(result.topics) };
  },
});
