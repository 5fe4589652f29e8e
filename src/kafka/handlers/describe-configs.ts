import { readDescribeConfigsRequest, type DescribeConfigsRequest, type DescribeConfigsResource } from '../codec/generated/describe-configs-request.js';
import {
  sizeOfDescribeConfigsResponse,
  writeDescribeConfigsResponse,
  type DescribeConfigsResponse,
  type DescribeConfigsResult,
} from '../codec/generated/describe-configs-response.js';
import type { ConfigEntry } from '../../core/streams/types.js';
import { errorCodeOf, errorMessageOf, kafkaCode } from '../../core/streams/error-codes.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { RESOURCE_BROKER, RESOURCE_TOPIC } from './admin-outcome.js';

function entriesOf(ctx: RequestContext, resource: DescribeConfigsResource): ConfigEntry[] {
  if (resource.resourceType === RESOURCE_BROKER) return ctx.streams.describeBrokerConfigs(resource.configurationKeys);
  return ctx.streams.describeConfigs(resource.resourceName, resource.configurationKeys);
}

function describeResource(ctx: RequestContext, resource: DescribeConfigsResource, withSynonyms: boolean): DescribeConfigsResult {
  const { resourceType, resourceName } = resource;
  if (resourceType !== RESOURCE_TOPIC && resourceType !== RESOURCE_BROKER) {
    return { errorCode: kafkaCode('INVALID_REQUEST'), errorMessage: `unsupported resource type ${resourceType}`, resourceType, resourceName, configs: [] };
  }
  try {
    const configs = entriesOf(ctx, resource).map((e) => ({
      name: e.name,
      value: e.value,
      readOnly: e.readOnly,
      isDefault: e.isDefault,
      configSource: e.source,
      isSensitive: e.isSensitive,
      synonyms: withSynonyms ? [{ name: e.name, value: e.value, source: e.source }] : [],
      configType: e.configType,
      documentation: null,
    }));
    return { errorCode: 0, errorMessage: null, resourceType, resourceName, configs };
  } catch (err) {
    return { errorCode: errorCodeOf(err), errorMessage: errorMessageOf(err), resourceType, resourceName, configs: [] };
  }
}

/** DescribeConfigs: topic configs with their sources, and the broker's topic defaults. */
export const describeConfigsHandler = defineHandler<DescribeConfigsRequest, DescribeConfigsResponse>({
  api: 'DescribeConfigs',
  read: readDescribeConfigsRequest,
  sizeOf: sizeOfDescribeConfigsResponse,
  write: writeDescribeConfigsResponse,
  handle(ctx, req) {
    return { throttleTimeMs: 0, results: req.resources.map((r) => describeResource(ctx, r, req.includeSynonyms ?? false)) };
  },
});
