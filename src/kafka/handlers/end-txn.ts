import { readEndTxnRequest, type EndTxnRequest } from '../codec/generated/end-txn-request.js';
import { sizeOfEndTxnResponse, writeEndTxnResponse, type EndTxnResponse } from '../codec/generated/end-txn-response.js';
import { defineHandler } from '../handler.js';
import { fencedForVersion } from './producer-fencing.js';

/** EndTxn: commits or aborts the producer's transaction. */
export const endTxnHandler = defineHandler<EndTxnRequest, EndTxnResponse>({
  api: 'EndTxn',
  read: readEndTxnRequest,
  sizeOf: sizeOfEndTxnResponse,
  write: writeEndTxnResponse,
  async handle(ctx, req) {
    const { errorCode } = await ctx.streams.transactions.endTxn({
      transactionalId: req.transactionalId,
      producerId: Number(req.producerId),
      producerEpoch: req.producerEpoch,
      committed: req.committed,
    });
    return { throttleTimeMs: 0, errorCode: fencedForVersion(errorCode, ctx.version, 2) };
  },
});
