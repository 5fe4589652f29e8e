import { readHeartbeatRequest, type HeartbeatRequest } from '../codec/generated/heartbeat-request.js';
import { sizeOfHeartbeatResponse, writeHeartbeatResponse, type HeartbeatResponse } from '../codec/generated/heartbeat-response.js';
import { defineHandler } from '../handler.js';

/** Heartbeat: keeps a member alive and tells it when a rebalance starts. */
export const heartbeatHandler = defineHandler<HeartbeatRequest, HeartbeatResponse>({
  api: 'Heartbeat',
  read: readHeartbeatRequest,
  sizeOf: sizeOfHeartbeatResponse,
  write: writeHeartbeatResponse,
  handle(ctx, req) {
    const { errorCode } = ctx.streams.groups.heartbeat({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId ?? null,
    });
    return { throttleTimeMs: 0, errorCode };
  },
});
