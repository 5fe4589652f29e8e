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

/** Record data at least this large is sent from where it lies instead of being copied into the frame. */
const SPLICE_FROM_BYTES = 4096;

/**
 * Frames a response: int32 size, response header, body, sized up front and written once; large
 * byte strings (record batches) are referenced, so the frame may come as several buffers.
 */
export function frameResponse(correlationId: number, headerVersion: number, body: ResponseBody): Buffer[] {
  const header = { correlationId };
  const size = sizeOfResponseHeader(header, headerVersion) + body.size();
  const w = new KafkaWriter(4 + size, SPLICE_FROM_BYTES);
  w.int32(size);
  writeResponseHeader(w, header, headerVersion);
  body.write(w);
  return w.finishChunks();
}

/** Frames raw bytes with only a size prefix (SASL tokens after a v0 handshake). */
export function frameRaw(data: Buffer): Buffer[] {
  const prefix = Buffer.allocUnsafe(4);
  prefix.writeInt32BE(data.length);
  return [prefix, data];
}
