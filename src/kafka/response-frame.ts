import { KAFKA_APIS } from './codec/generated/api-keys.js';
import { sizeOfResponseHeader, writeResponseHeader } from './codec/generated/response-header.js';
import { KafkaWriter } from './codec/writer.js';
import type { ApiHandler, ResponseBody } from './handler.js';

/** The response header version for an API version: v1 when flexible, except ApiVersions (always v0). */
export function responseHeaderVersion(handler: ApiHandler, version: number): number {
  if (handler.api === 'ApiVersions') return 0;
  const flexibleFrom = KAFKA_APIS[handler.api].firstFlexibleVersion;
  return flexibleFrom !== null && version >= flexibleFrom ? 1 : 0;
}

/** The request header version for an API version: v2 when flexible, else v1. */
export function requestHeaderVersion(handler: ApiHandler, version: number): number {
  const flexibleFrom = KAFKA_APIS[handler.api].firstFlexibleVersion;
  return flexibleFrom !== null && version >= flexibleFrom ? 2 : 1;
}

/** Frames a response: int32 size, response header, body, in one buffer sized up front. */
export function frameResponse(correlationId: number, headerVersion: number, body: ResponseBody): Buffer {
  const header = { correlationId };
  const size = sizeOfResponseHeader(header, headerVersion) + body.size();
  const w = new KafkaWriter(4 + size);
  w.int32(size);
  writeResponseHeader(w, header, headerVersion);
  body.write(w);
  return w.finish();
}

/** Frames raw bytes with only a size prefix (SASL tokens after a v0 handshake). */
export function frameRaw(data: Buffer): Buffer {
  const w = new KafkaWriter(4 + data.length);
  w.int32(data.length);
  w.raw(data);
  return w.finish();
}
