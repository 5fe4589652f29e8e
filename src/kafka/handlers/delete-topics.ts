import { readDeleteTopicsRequest, type DeleteTopicsRequest } from '../codec/generated/delete-topics-request.js';
import { sizeOfDeleteTopicsResponse, writeDeleteTopicsResponse, type DeleteTopicsResponse } from '../codec/generated/delete-topics-response.js';
import { kafkaCode } from '../../core/streams/error-codes.js';
import { defineHandler } from '../handler.js';
import { adminOutcome } from './admin-outcome.js';
import { wireUuid } from './wire-shapes.js';

/** DeleteTopics: deletes topics named (or, from v6, identified by id). */
export const deleteTopicsHandler = defineHandler<DeleteTopicsRequest, DeleteTopicsResponse>({
  api: 'DeleteTopics',
  read: readDeleteTopicsRequest,
  sizeOf: sizeOfDeleteTopicsResponse,
  write: writeDeleteTopicsResponse,
  async handle(ctx, req) {
    const byId = new Map(ctx.streams.listTopics().map((t) => [wireUuid(t.topicId), t.name]));
    const targets = ctx.version >= 6 ? (req.topics ?? []).map((t) => ({ name: t.name ?? byId.get(t.topicId) ?? null, topicId: t.topicId })) : (req.topicNames ?? []).map((name) => ({ name, topicId: undefined }));
    const responses = [];
    for (const { name, topicId } of targets) {
      const outcome =
        name === null ? { errorCode: kafkaCode('UNKNOWN_TOPIC_OR_PARTITION'), errorMessage: `unknown topic id ${topicId}` } : await adminOutcome(() => ctx.streams.deleteTopic(name));
      responses.push({ name, topicId: topicId ?? wireUuid(null), ...outcome });
    }
    return { throttleTimeMs: 0, responses };
  },
});
