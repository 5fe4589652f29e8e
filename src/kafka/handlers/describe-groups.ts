import { readDescribeGroupsRequest, type DescribeGroupsRequest } from '../codec/generated/describe-groups-request.js';
import { sizeOfDescribeGroupsResponse, writeDescribeGroupsResponse, type DescribeGroupsResponse } from '../codec/generated/describe-groups-response.js';
import { defineHandler } from '../handler.js';
import { OPERATIONS_OMITTED } from './wire-shapes.js';

/** DescribeGroups: state, protocol and members of each named group. */
export const describeGroupsHandler = defineHandler<DescribeGroupsRequest, DescribeGroupsResponse>({
  api: 'DescribeGroups',
  read: readDescribeGroupsRequest,
  sizeOf: sizeOfDescribeGroupsResponse,
  write: writeDescribeGroupsResponse,
  handle(ctx, req) {
    const groups = ctx.streams.groups.describeGroups(req.groups).map((g) => ({ ...g, authorizedOperations: OPERATIONS_OMITTED }));
    return { throttleTimeMs: 0, groups };
  },
});
