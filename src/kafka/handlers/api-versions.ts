import {
  readApiVersionsRequest,
  type ApiVersionsRequest,
} from '../codec/generated/api-versions-request.js';
import {
  sizeOfApiVersionsResponse,
  writeApiVersionsResponse,
  type ApiVersionsResponse,
} from '../codec/generated/api-versions-response.js';
import { defineHandler, type ApiHandler, type ResponseBody } from '../handler.js';
import { kafkaCode as errorCode } from '../../core/streams/error-codes.js';

/** The ApiVersions answer listing `apis` exactly as served, with `code` as its error. */
function apiVersionsResponse(apis: readonly ApiHandler[], code: number): ApiVersionsResponse {
  return {
    errorCode: code,
    apiKeys: apis.map((a) => ({ apiKey: a.apiKey, minVersion: a.minVersion, maxVersion: a.maxVersion })),
    throttleTimeMs: 0,
  };
}

/** ApiVersions: advertises every API the broker serves, with the versions it serves. */
export function apiVersionsHandler(apis: () => readonly ApiHandler[]): ApiHandler {
  return defineHandler<ApiVersionsRequest, ApiVersionsResponse>({
    api: 'ApiVersions',
    read: readApiVersionsRequest,
    sizeOf: sizeOfApiVersionsResponse,
    write: writeApiVersionsResponse,
    handle: () => apiVersionsResponse(apis(), 0),
  });
}

/**
 * The answer to an ApiVersions request of a version the broker does not know: UNSUPPORTED_VERSION
 * with the supported versions, in the v0 layout every client can read (KIP-511).
 */
export function unsupportedApiVersionsBody(apis: readonly ApiHandler[]): ResponseBody {
  const response = apiVersionsResponse(apis, errorCode('UNSUPPORTED_VERSION'));
  return {
    size: () => sizeOfApiVersionsResponse(response, 0),
    write: (w) => writeApiVersionsResponse(w, response, 0),
  };
}
