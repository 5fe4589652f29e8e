import { readFindCoordinatorRequest, type FindCoordinatorRequest } from '../codec/generated/find-coordinator-request.js';
import { sizeOfFindCoordinatorResponse, writeFindCoordinatorResponse, type FindCoordinatorResponse } from '../codec/generated/find-coordinator-response.js';
import { defineHandler } from '../handler.js';

/** FindCoordinator: this broker coordinates every group and transactional id. */
export const findCoordinatorHandler = defineHandler<FindCoordinatorRequest, FindCoordinatorResponse>({
  api: 'FindCoordinator',
  read: readFindCoordinatorRequest,
  sizeOf: sizeOfFindCoordinatorResponse,
  write: writeFindCoordinatorResponse,
  handle(ctx, req) {
    const { nodeId, host, port } = ctx.node;
    if (ctx.version >= 4) {
      const coordinators = (req.coordinatorKeys ?? []).map((key) => ({ key, nodeId, host, port, errorCode: 0, errorMessage: null }));
      return { throttleTimeMs: 0, coordinators };
    }
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId, host, port };
  },
});
