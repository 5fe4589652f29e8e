import { readOffsetForLeaderEpochRequest, type OffsetForLeaderEpochRequest } from '../codec/generated/offset-for-leader-epoch-request.js';
import {
  sizeOfOffsetForLeaderEpochResponse,
  writeOffsetForLeaderEpochResponse,
  type OffsetForLeaderEpochResponse,
} from '../codec/generated/offset-for-leader-epoch-response.js';
import { LATEST_TIMESTAMP } from '../../core/streams/types.js';
import { defineHandler } from '../handler.js';

/** The single leader epoch of every partition on this broker (leadership never moves). */
const LEADER_EPOCH = 0;

/** OffsetForLeaderEpoch: with one epoch per partition, its end offset is the log end offset. */
export const offsetForLeaderEpochHandler = defineHandler<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>({
  api: 'OffsetForLeaderEpoch',
  read: readOffsetForLeaderEpochRequest,
  sizeOf: sizeOfOffsetForLeaderEpochResponse,
  write: writeOffsetForLeaderEpochResponse,
  async handle(ctx, req) {
    const topics = await Promise.all(
      req.topics.map(async (t) => ({
        topic: t.topic,
        partitions: await Promise.all(
          t.partitions.map(async (p) => {
            const end = await ctx.streams.listOffsets(t.topic, p.partition, LATEST_TIMESTAMP);
            return { errorCode: end.errorCode, partition: p.partition, leaderEpoch: LEADER_EPOCH, endOffset: BigInt(end.offset) };
          }),
        ),
      })),
    );
    return { throttleTimeMs: 0, topics };
  },
});
