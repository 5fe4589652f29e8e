import { readListGroupsRequest, type ListGroupsRequest } from '../codec/generated/list-groups-request.js';
import { sizeOfListGroupsResponse, writeListGroupsResponse, type ListGroupsResponse } from '../codec/generated/list-groups-response.js';
import { defineHandler } from '../handler.js';

/** Every group is a classic group on this broker. */
const CLASSIC_GROUP_TYPE = 'classic';

/** ListGroups: every group, optionally filtered by state (v4+) and type (v5+). */
export const listGroupsHandler = defineHandler<ListGroupsRequest, ListGroupsResponse>({
  api: 'ListGroups',
  read: readListGroupsRequest,
  sizeOf: sizeOfListGroupsResponse,
  write: writeListGroupsResponse,
  handle(ctx, req) {
    const types = req.typesFilter ?? [];
    const wanted = types.length === 0 || types.some((t) => t.toLowerCase() === CLASSIC_GROUP_TYPE);
    const groups = wanted ? ctx.streams.groups.listGroups(req.statesFilter ?? []).map((g) => ({ ...g, groupType: CLASSIC_GROUP_TYPE })) : [];
    return { throttleTimeMs: 0, errorCode: 0, groups };
  },
});
