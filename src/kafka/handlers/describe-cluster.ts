import { readDescribeClusterRequest, type DescribeClusterRequest } from '../codec/generated/describe-cluster-request.js';
import { sizeOfDescribeClusterResponse, writeDescribeClusterResponse, type DescribeClusterResponse } from '../codec/generated/describe-cluster-response.js';
import { defineHandler } from '../handler.js';
import { CLUSTER_ID, OPERATIONS_OMITTED } from './wire-shapes.js';

/** DescribeCluster: this broker, alone, as broker and controller. */
export const describeClusterHandler = defineHandler<DescribeClusterRequest, DescribeClusterResponse>({
  api: 'DescribeCluster',
  read: readDescribeClusterRequest,
  sizeOf: sizeOfDescribeClusterResponse,
  write: writeDescribeClusterResponse,
  handle(ctx, req) {
    const { nodeId, host, port } = ctx.node;
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType: req.endpointType ?? 1,
      clusterId: CLUSTER_ID,
      controllerId: nodeId,
      brokers: [{ brokerId: nodeId, host, port, rack: null }],
      clusterAuthorizedOperations: OPERATIONS_OMITTED,
    };
  },
});
