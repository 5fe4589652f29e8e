import { readTxnOffsetCommitRequest, type TxnOffsetCommitRequest } from '../codec/generated/txn-offset-commit-request.js';
import { sizeOfTxnOffsetCommitResponse, writeTxnOffsetCommitResponse, type TxnOffsetCommitResponse } from '../codec/generated/txn-offset-commit-response.js';
import { defineHandler } from '../handler.js';
import { fencedForVersion, NEVER_FENCED } from './producer-fencing.js';
import { offsetCommitTopics, topicPartitionErrors } from './wire-shapes.js';

/** TxnOffsetCommit: offsets that become committed when the transaction commits. */
export const txnOffsetCommitHandler = defineHandler<TxnOffsetCommitRequest, TxnOffsetCommitResponse>({
  api: 'TxnOffsetCommit',
  read: readTxnOffsetCommitRequest,
  sizeOf: sizeOfTxnOffsetCommitResponse,
  write: writeTxnOffsetCommitResponse,
  async handle(ctx, req) {
    const answers = await ctx.streams.transactions.txnOffsetCommit({
      transactionalId: req.transactionalId,
      producerId: Number(req.producerId),
      producerEpoch: req.producerEpoch,
      groupId: req.groupId,
      generationId: req.generationId ?? -1,
      memberId: req.memberId ?? '',
      groupInstanceId: req.groupInstanceId ?? null,
      topics: offsetCommitTopics(req.topics),
    });
    return { throttleTimeMs: 0, topics: topicPartitionErrors(answers, (code) => fencedForVersion(code, ctx.version, NEVER_FENCED)) };
  },
});
