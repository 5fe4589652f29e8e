import { readIncrementalAlterConfigsRequest, type IncrementalAlterConfigsRequest } from '../codec/generated/incremental-alter-configs-request.js';
import {
  sizeOfIncrementalAlterConfigsResponse,
  writeIncrementalAlterConfigsResponse,
  type IncrementalAlterConfigsResponse,
} from '../codec/generated/incremental-alter-configs-response.js';
import type { AlterConfigOp } from '../../core/streams/types.js';
import { defineHandler } from '../handler.js';
import { alterResource } from './admin-outcome.js';

/** IncrementalAlterConfigs: sets, deletes, appends to or subtracts from single topic configs. */
export const incrementalAlterConfigsHandler = defineHandler<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>({
  api: 'IncrementalAlterConfigs',
  read: readIncrementalAlterConfigsRequest,
  sizeOf: sizeOfIncrementalAlterConfigsResponse,
  write: writeIncrementalAlterConfigsResponse,
  async handle(ctx, req) {
    const responses = [];
    for (const resource of req.resources) {
      const changes = resource.configs.map((c) => ({ name: c.name, op: c.configOperation as AlterConfigOp, value: c.value }));
      responses.push(await alterResource(resource, (topic) => ctx.streams.incrementalAlterConfigs(topic, changes, req.validateOnly)));
    }
    return { throttleTimeMs: 0, responses };
  },
});
