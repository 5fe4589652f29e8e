import { readProduceRequest, type ProduceRequest } from '../codec/generated/produce-request.js';
import { sizeOfProduceResponse, writeProduceResponse, type PartitionProduceResponse, type ProduceResponse } from '../codec/generated/produce-response.js';
import { kafkaCode } from '../../core/streams/error-codes.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { fencedForVersion, NEVER_FENCED } from './producer-fencing.js';

/** Produce v3 is the first to carry record batches (magic 2), the only format this broker stores. */
const FIRST_RECORD_BATCH_VERSION = 3;
const VALID_ACKS = new Set([0, 1, -1]);

function failed(index: number, errorCode: number, errorMessage: string): PartitionProduceResponse {
  return { index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage };
}

/** Appends one partition's batch; appends are queued in call order (see StreamBroker.produce and RequestOrder). */
async function producePartition(ctx: RequestContext, topic: string, index: number, records: Buffer | null, acks: number): Promise<PartitionProduceResponse> {
  if (!VALID_ACKS.has(acks)) return failed(index, kafkaCode('INVALID_REQUIRED_ACKS'), `acks must be 0, 1 or -1, not ${acks}`);
  if (records === null || records.length === 0) return failed(index, kafkaCode('CORRUPT_MESSAGE'), 'no records');
  const result = await ctx.streams.produce(topic, index, records, acks);
  return {
    index,
    errorCode: fencedForVersion(result.errorCode, ctx.version, NEVER_FENCED),
    baseOffset: BigInt(result.baseOffset),
    logAppendTimeMs: BigInt(result.logAppendTime),
    logStartOffset: BigInt(result.logStartOffset),
    recordErrors: [],
    errorMessage: result.errorMessage,
  };
}

/** Produce: appends each partition's record batch; acks=0 gets no response. */
export const produceHandler = defineHandler<ProduceRequest, ProduceResponse>({
  api: 'Produce',
  minVersion: FIRST_RECORD_BATCH_VERSION,
  order: 'pipelined',
  read: readProduceRequest,
  sizeOf: sizeOfProduceResponse,
  write: writeProduceResponse,
  async handle(ctx, req) {
    const responses = await Promise.all(
      req.topicData.map(async (t) => ({
        name: t.name,
        partitionResponses: await Promise.all(t.partitionData.map((p) => producePartition(ctx, t.name, p.index, p.records, req.acks))),
      })),
    );
    return req.acks === 0 ? null : { responses, throttleTimeMs: 0 };
  },
});
