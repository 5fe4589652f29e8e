import { readJoinGroupRequest, type JoinGroupRequest } from '../codec/generated/join-group-request.js';
import { sizeOfJoinGroupResponse, writeJoinGroupResponse, type JoinGroupResponse } from '../codec/generated/join-group-response.js';
import { defineHandler } from '../handler.js';

/** JoinGroup: joins (or rejoins) a consumer group; answers when the rebalance completes. */
export const joinGroupHandler = defineHandler<JoinGroupRequest, JoinGroupResponse>({
  api: 'JoinGroup',
  read: readJoinGroupRequest,
  sizeOf: sizeOfJoinGroupResponse,
  write: writeJoinGroupResponse,
  async handle(ctx, req) {
    const result = await ctx.streams.groups.joinGroup({
      groupId: req.groupId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId ?? null,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: ctx.version >= 1 ? (req.rebalanceTimeoutMs ?? req.sessionTimeoutMs) : req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
      clientId: ctx.clientId,
      clientHost: ctx.clientHost,
      requireKnownMemberId: ctx.version >= 4,
    });
    return { throttleTimeMs: 0, ...result };
  },
});
