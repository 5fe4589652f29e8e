import { readSyncGroupRequest, type SyncGroupRequest } from '../codec/generated/sync-group-request.js';
import { sizeOfSyncGroupResponse, writeSyncGroupResponse, type SyncGroupResponse } from '../codec/generated/sync-group-response.js';
import { defineHandler } from '../handler.js';

/** SyncGroup: the leader hands out assignments; every member receives its own. */
export const syncGroupHandler = defineHandler<SyncGroupRequest, SyncGroupResponse>({
  api: 'SyncGroup',
  read: readSyncGroupRequest,
  sizeOf: sizeOfSyncGroupResponse,
  write: writeSyncGroupResponse,
  async handle(ctx, req) {
    const result = await ctx.streams.groups.syncGroup({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId ?? null,
      protocolType: req.protocolType ?? null,
      protocolName: req.protocolName ?? null,
      assignments: req.assignments,
    });
    return { throttleTimeMs: 0, ...result };
  },
});
