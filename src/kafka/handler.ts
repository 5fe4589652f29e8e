/**
 * The contract between the Kafka connection and the per-API handlers: a handler decodes its
 * request with the generated codec, calls the streams core, and returns a response body the
 * connection frames and writes.
 */
import type { StreamBroker } from '../core/streams/index.js';
import { KAFKA_APIS, type ApiName } from './codec/generated/api-keys.js';
import type { KafkaReader } from './codec/reader.js';
import type { KafkaWriter } from './codec/writer.js';
import type { SaslSession } from './sasl/sasl-session.js';

/** What a handler knows about the broker and the connection a request came on. */
export interface RequestContext {
  readonly streams: StreamBroker;
  /** The request's API version. */
  readonly version: number;
  readonly clientId: string;
  readonly clientHost: string;
  /** This broker as clients must reach it. */
  readonly node: { readonly nodeId: number; readonly host: string; readonly port: number };
  /** Aborted when the connection closes (ends long polls). */
  readonly signal: AbortSignal;
  /** The connection's authentication state, or null when the listener needs none. */
  readonly sasl: SaslSession | null;
}

/** A response body ready to be framed: its size and a writer, both at the request's version. */
export interface ResponseBody {
  size(): number;
  write(w: KafkaWriter): void;
}

/** One API as the server dispatches it. */
export interface ApiHandler {
  readonly api: ApiName;
  readonly apiKey: number;
  /** The versions this broker serves and advertises. */
  readonly minVersion: number;
  readonly maxVersion: number;
  /** Whether the request may complete after requests that arrived later (long polls). */
  readonly concurrent: boolean;
  /** Decodes the request body (throws KafkaProtocolError). */
  decode(r: KafkaReader, version: number): unknown;
  /** Serves a decoded request; null means no response is sent (Produce with acks=0). */
  serve(ctx: RequestContext, request: unknown): Promise<ResponseBody | null>;
}

/** How one API is defined: its codec functions and the function that answers it. */
export interface HandlerDefinition<Req, Res> {
  api: ApiName;
  minVersion?: number;
  maxVersion?: number;
  concurrent?: boolean;
  read(r: KafkaReader, version: number): Req;
  sizeOf(response: Res, version: number): number;
  write(w: KafkaWriter, response: Res, version: number): void;
  handle(ctx: RequestContext, request: Req): Promise<Res | null> | Res | null;
}

/** Builds an ApiHandler from a typed definition; versions default to everything the codec covers. */
export function defineHandler<Req, Res>(def: HandlerDefinition<Req, Res>): ApiHandler {
  const info = KAFKA_APIS[def.api];
  return {
    api: def.api,
    apiKey: info.apiKey,
    minVersion: def.minVersion ?? info.minVersion,
    maxVersion: def.maxVersion ?? info.maxVersion,
    concurrent: def.concurrent ?? false,
    decode: (r, version) => def.read(r, version),
    async serve(ctx, request) {
      const response = await def.handle(ctx, request as Req);
      if (response === null) return null;
      return {
        size: () => def.sizeOf(response, ctx.version),
        write: (w) => def.write(w, response, ctx.version),
      };
    },
  };
}
