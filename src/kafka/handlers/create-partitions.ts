import { readCreatePartitionsRequest, type CreatePartitionsRequest } from '../codec/generated/create-partitions-request.js';
import { sizeOfCreatePartitionsResponse, writeCreatePartitionsResponse, type CreatePartitionsResponse } from '../codec/generated/create-partitions-response.js';
import { defineHandler } from '../handler.js';
import { adminOutcome } from './admin-outcome.js';

/** CreatePartitions: grows topics to a new partition count. */
export const createPartitionsHandler = defineHandler<CreatePartitionsRequest, CreatePartitionsResponse>({
  api: 'CreatePartitions',
  read: readCreatePartitionsRequest,
  sizeOf: sizeOfCreatePartitionsResponse,
  write: writeCreatePartitionsResponse,
  async handle(ctx, req) {
    const results = [];
    for (const t of req.topics) {
      results.push({ name: t.name, ...(await adminOutcome(() => ctx.streams.createPartitions(t.name, t.count, req.validateOnly))) });
    }
    return { throttleTimeMs: 0, results };
  },
});
