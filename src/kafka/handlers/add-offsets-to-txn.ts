import { readAddOffsetsToTxnRequest, type AddOffsetsToTxnRequest } from '../codec/generated/add-offsets-to-txn-request.js';
import { sizeOfAddOffsetsToTxnResponse, writeAddOffsetsToTxnResponse, type AddOffsetsToTxnResponse } from '../codec/generated/add-offsets-to-txn-response.js';
import { defineHandler } from '../handler.js';
import { fencedForVersion } from './producer-fencing.js';

/** AddOffsetsToTxn: makes a group's offset commits part of the producer's transaction. */
export const addOffsetsToTxnHandler = defineHandler<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse>({
  api: 'AddOffsetsToTxn',
  read: readAddOffsetsToTxnRequest,
  sizeOf: sizeOfAddOffsetsToTxnResponse,
  write: writeAddOffsetsToTxnResponse,
  async handle(ctx, req) {
    const { errorCode } = await ctx.streams.transactions.addOffsetsToTxn({
      transactionalId: req.transactionalId,
      producerId: Number(req.producerId),
      producerEpoch: req.producerEpoch,
      groupId: req.groupId,
    });
    return { throttleTimeMs: 0, errorCode: fencedForVersion(errorCode, ctx.version, 2) };
  },
});
