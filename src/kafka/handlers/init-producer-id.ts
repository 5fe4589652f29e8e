import { readInitProducerIdRequest, type InitProducerIdRequest } from '../codec/generated/init-producer-id-request.js';
import { sizeOfInitProducerIdResponse, writeInitProducerIdResponse, type InitProducerIdResponse } from '../codec/generated/init-producer-id-response.js';
import { defineHandler } from '../handler.js';
import { fencedForVersion } from './producer-fencing.js';

/** InitProducerId: a producer id and epoch for an idempotent or transactional producer. */
export const initProducerIdHandler = defineHandler<InitProducerIdRequest, InitProducerIdResponse>({
  api: 'InitProducerId',
  read: readInitProducerIdRequest,
  sizeOf: sizeOfInitProducerIdResponse,
  write: writeInitProducerIdResponse,
  async handle(ctx, req) {
    const result = await ctx.streams.transactions.initProducerId({
      transactionalId: req.transactionalId,
      transactionTimeoutMs: req.transactionTimeoutMs,
      producerId: Number(req.producerId ?? -1n),
      producerEpoch: req.producerEpoch ?? -1,
    });
    return { throttleTimeMs: 0, errorCode: fencedForVersion(result.errorCode, ctx.version, 4), producerId: BigInt(result.producerId), producerEpoch: result.producerEpoch };
  },
});
