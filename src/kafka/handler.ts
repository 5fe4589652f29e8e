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

/**
 * How a request is ordered against earlier requests of its connection (responses always go out in
 * request order):
 * - `serial`: starts once every earlier serial and pipelined request has completed;
 * - `pipelined`: starts once every earlier serial request has completed, in arrival order, without
 *   waiting for earlier pipelined ones; its handler must queue its order-sensitive work (Produce:
 *   the appends that take the offsets) in call order, so appends keep the arrival order while their
 *   acknowledgements share one group commit;
 * - `free`: starts at once and may complete after later requests (long polls).
 */
export type RequestOrder = 'serial' | 'pipelined' | 'free';

/** One API as the server dispatches it. */
export interface ApiHandler {
  readonly api: ApiName;
  readonly apiKey: number;
  /** The versions this broker serves and advertises. */
  readonly minVersion: number;
  readonly maxVersion: number;
  /** How the request is ordered against the connection's other requests (see RequestOrder). */
  readonly order: RequestOrder;
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
  /** Defaults to `serial`. */
  order?: RequestOrder;
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
    order: def.order ?? 'serial',
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
