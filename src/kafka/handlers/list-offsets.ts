import { readListOffsetsRequest, type ListOffsetsRequest } from '../codec/generated/list-offsets-request.js';
import { sizeOfListOffsetsResponse, writeListOffsetsResponse, type ListOffsetsResponse } from '../codec/generated/list-offsets-response.js';
import { EARLIEST_TIMESTAMP, type IsolationLevel, type ListOffsetsResult } from '../../core/streams/types.js';
import { defineHandler, type RequestContext } from '../handler.js';

/** v8+: the start of the local log, which on this broker (no tiered storage) is the log start. */
const EARLIEST_LOCAL_TIMESTAMP = -4;
/** v9+: the last offset in tiered storage, of which this broker has none. */
const LATEST_TIERED_TIMESTAMP = -5;

function lookup(ctx: RequestContext, topic: string, partition: number, timestamp: number, isolation: IsolationLevel): Promise<ListOffsetsResult> {
  if (timestamp === LATEST_TIERED_TIMESTAMP) return Promise.resolve({ errorCode: 0, timestamp: -1, offset: -1 });
  const asked = timestamp === EARLIEST_LOCAL_TIMESTAMP ? EARLIEST_TIMESTAMP : timestamp;
  return ctx.streams.listOffsets(topic, partition, asked, isolation);
}

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
            const r = await lookup(ctx, t.name, p.partitionIndex, Number(p.timestamp), isolation);
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
