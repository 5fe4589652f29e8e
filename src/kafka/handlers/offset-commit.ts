import { readOffsetCommitRequest, type OffsetCommitRequest } from '../codec/generated/offset-commit-request.js';
import { sizeOfOffsetCommitResponse, writeOffsetCommitResponse, type OffsetCommitResponse } from '../codec/generated/offset-commit-response.js';
import { defineHandler } from '../handler.js';
import { offsetCommitTopics, topicPartitionErrors } from './wire-shapes.js';

/** OffsetCommit: stores a group's consumed positions. */
export const offsetCommitHandler = defineHandler<OffsetCommitRequest, OffsetCommitResponse>({
  api: 'OffsetCommit',
  read: readOffsetCommitRequest,
  sizeOf: sizeOfOffsetCommitResponse,
  write: writeOffsetCommitResponse,
  async handle(ctx, req) {
    const retention = req.retentionTimeMs ?? -1n;
    const answers = await ctx.streams.groups.offsetCommit({
      groupId: req.groupId,
      generationId: req.generationIdOrMemberEpoch ?? -1,
      memberId: req.memberId ?? '',
      groupInstanceId: req.groupInstanceId ?? null,
      retentionTimeMs: ctx.version >= 2 && ctx.version <= 4 ? Number(retention) : undefined,
      topics: offsetCommitTopics(req.topics),
    });
    return { throttleTimeMs: 0, topics: topicPartitionErrors(answers) };
  },
});
