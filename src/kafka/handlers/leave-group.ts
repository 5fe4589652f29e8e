import { readLeaveGroupRequest, type LeaveGroupRequest } from '../codec/generated/leave-group-request.js';
import { sizeOfLeaveGroupResponse, writeLeaveGroupResponse, type LeaveGroupResponse } from '../codec/generated/leave-group-response.js';
import { defineHandler } from '../handler.js';

/** LeaveGroup: one member (v0-v2) or several (v3+) leave, starting a rebalance. */
export const leaveGroupHandler = defineHandler<LeaveGroupRequest, LeaveGroupResponse>({
  api: 'LeaveGroup',
  read: readLeaveGroupRequest,
  sizeOf: sizeOfLeaveGroupResponse,
  write: writeLeaveGroupResponse,
  async handle(ctx, req) {
    const leaving =
      ctx.version >= 3
        ? (req.members ?? []).map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null }))
        : [{ memberId: req.memberId ?? '', groupInstanceId: null }];
    const result = await ctx.streams.groups.leaveGroup(req.groupId, leaving);
    // Before v3 a single member's error is the top-level error.
    const errorCode = ctx.version >= 3 ? result.errorCode : result.errorCode || (result.members[0]?.errorCode ?? 0);
    return { throttleTimeMs: 0, errorCode, members: result.members };
  },
});
