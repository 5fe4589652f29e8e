import { readAddPartitionsToTxnRequest, type AddPartitionsToTxnRequest } from '../codec/generated/add-partitions-to-txn-request.js';
import {
  sizeOfAddPartitionsToTxnResponse,
  writeAddPartitionsToTxnResponse,
  type AddPartitionsToTxnResponse,
} from '../codec/generated/add-partitions-to-txn-response.js';
import { defineHandler } from '../handler.js';
import { fencedForVersion } from './producer-fencing.js';

/** Versions a producer sends; v4+ batches transactions for brokers verifying on behalf of producers. */
const LAST_PRODUCER_VERSION = 3;

/** AddPartitionsToTxn: enrols partitions in the producer's ongoing transaction. */
export const addPartitionsToTxnHandler = defineHandler<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>({
  api: 'AddPartitionsToTxn',
  maxVersion: LAST_PRODUCER_VERSION,
  read: readAddPartitionsToTxnRequest,
  sizeOf: sizeOfAddPartitionsToTxnResponse,
  write: writeAddPartitionsToTxnResponse,
  async handle(ctx, req) {
    const answers = await ctx.streams.transactions.addPartitionsToTxn({
      transactionalId: req.v3AndBelowTransactionalId ?? '',
      producerId: Number(req.v3AndBelowProducerId ?? -1n),
      producerEpoch: req.v3AndBelowProducerEpoch ?? -1,
      topics: (req.v3AndBelowTopics ?? []).map((t) => ({ name: t.name, partitions: t.partitions })),
    });
    const resultsByTopicV3AndBelow = answers.map((t) => ({
      name: t.name,
      resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p.partition, partitionErrorCode: fencedForVersion(p.errorCode, ctx.version, 2) })),
    }));
    return { throttleTimeMs: 0, resultsByTopicV3AndBelow };
  },
});
