import { readAlterConfigsRequest, type AlterConfigsRequest } from '../codec/generated/alter-configs-request.js';
import { sizeOfAlterConfigsResponse, writeAlterConfigsResponse, type AlterConfigsResponse } from '../codec/generated/alter-configs-response.js';
import { defineHandler } from '../handler.js';
import { alterResource } from './admin-outcome.js';

/** AlterConfigs: replaces every override of each topic. */
export const alterConfigsHandler = defineHandler<AlterConfigsRequest, AlterConfigsResponse>({
  api: 'AlterConfigs',
  read: readAlterConfigsRequest,
  sizeOf: sizeOfAlterConfigsResponse,
  write: writeAlterConfigsResponse,
  async handle(ctx, req) {
    const responses = [];
    for (const resource of req.resources) {
      const configs = Object.fromEntries(resource.configs.map((c) => [c.name, c.value]));
      responses.push(await alterResource(resource, (topic) => ctx.streams.alterConfigs(topic, configs, req.validateOnly)));
    }
    return { throttleTimeMs: 0, responses };
  },
});
