import { readDeleteGroupsRequest, type DeleteGroupsRequest } from '../codec/generated/delete-groups-request.js';
import { sizeOfDeleteGroupsResponse, writeDeleteGroupsResponse, type DeleteGroupsResponse } from '../codec/generated/delete-groups-response.js';
import { defineHandler } from '../handler.js';

/** DeleteGroups: removes empty groups and their committed offsets. */
export const deleteGroupsHandler = defineHandler<DeleteGroupsRequest, DeleteGroupsResponse>({
  api: 'DeleteGroups',
  read: readDeleteGroupsRequest,
  sizeOf: sizeOfDeleteGroupsResponse,
  write: writeDeleteGroupsResponse,
  async handle(ctx, req) {
    return { throttleTimeMs: 0, results: await ctx.streams.groups.deleteGroups(req.groupsNames) };
  },
});
