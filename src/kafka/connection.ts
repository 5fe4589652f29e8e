/**
 * One client connection: frames in, requests dispatched to handlers, responses out in request order.
 * A malformed frame, an unknown API, an unsupported version (other than ApiVersions) or a request
 * before authentication closes the connection, as Kafka does; other connections are unaffected.
 */
import type { Socket } from 'node:net';
import type { StreamBroker } from '../core/streams/index.js';
import { readRequestHeader } from './codec/generated/request-header.js';
import { KafkaProtocolError } from './codec/protocol-error.js';
import { KafkaReader } from './codec/reader.js';
import { FrameReader } from './frame-reader.js';
import type { ApiHandler, RequestContext, RequestOrder, ResponseBody } from './handler.js';
import { frameRaw, frameResponse, requestHeaderVersion, responseHeaderVersion } from './response-frame.js';
import { ResponseQueue } from './response-queue.js';
import { SaslFailure } from './sasl/mechanism.js';
import { SaslSession, type SaslUserDirectory } from './sasl/sasl-session.js';

/** Requests read ahead of their responses before the connection stops reading. */
const MAX_IN_FLIGHT = 64;
/** Smallest request: api key, version, correlation id. */
const MIN_REQUEST_BYTES = 8;
/** The SaslAuthenticate API key, which tells a SASL request from a bare token. */
const SASL_AUTHENTICATE_KEY = 36;
/** APIs served before a SASL listener has authenticated the client. */
const PRE_AUTH_APIS = new Set(['ApiVersions', 'SaslHandshake', 'SaslAuthenticate']);
/** Largest request before a SASL listener has authenticated the client (Kafka's sasl.server.max.receive.size). */
const PRE_AUTH_MAX_REQUEST_BYTES = 524288;

function ignore(): void {}

/** The client's address as Kafka shows it in group descriptions, e.g. `/127.0.0.1`. */
function clientHostOf(socket: Socket): string {
  return `/${(socket.remoteAddress ?? '').replace(/^::ffff:/, '')}`;
}

/** What every connection of a listener shares. */
export interface ConnectionDeps {
  streams: StreamBroker;
  handlers: ReadonlyMap<number, ApiHandler>;
  /** The ApiVersions answer to a version it does not know (v0 layout, UNSUPPORTED_VERSION). */
  unsupportedApiVersions: ResponseBody;
  node: RequestContext['node'];
  maxRequestBytes: number;
  sasl: SaslUserDirectory | null;
}

/** Serves one socket until it closes. */
export class KafkaConnection {
  private readonly frames: FrameReader;
  private readonly responses: ResponseQueue;
  private readonly closed = new AbortController();
  private readonly sasl: SaslSession | null;
  /** Settles once every serial request so far has completed. */
  private serialDone: Promise<unknown> = Promise.resolve();
  /** Settles once every serial and pipelined request so far has completed. */
  private orderedDone: Promise<unknown> = Promise.resolve();
  private writeBlocked = false;
  /** Whether responses are being gathered for one write at the end of this tick. */
  private corked = false;

  constructor(
    private readonly socket: Socket,
    private readonly deps: ConnectionDeps,
  ) {
    this.frames = new FrameReader(deps.sasl === null ? deps.maxRequestBytes : Math.min(deps.maxRequestBytes, PRE_AUTH_MAX_REQUEST_BYTES));
    this.responses = new ResponseQueue((data) => this.send(data));
    this.sasl = deps.sasl === null ? null : new SaslSession(deps.sasl);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => {
      this.writeBlocked = false;
      this.updateFlow();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.closed.abort());
  }

  /** Resolves once the socket has closed. */
  whenClosed(): Promise<void> {
    if (this.closed.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.closed.signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  /** Ends the connection gracefully, forcing it shut if the client lingers. */
  end(graceMs: number): void {
    this.socket.end();
    setTimeout(() => this.socket.destroy(), graceMs).unref();
  }

  private onData(chunk: Buffer): void {
    if (this.sasl?.authenticated) this.frames.setMaxFrameBytes(this.deps.maxRequestBytes);
    let frames: Buffer[];
    try {
      frames = this.frames.push(chunk);
    } catch {
      this.socket.destroy();
      return;
    }
    for (const frame of frames) {
      if (this.socket.destroyed) return;
      try {
        this.onFrame(frame);
      } catch {
        this.socket.destroy();
        return;
      }
    }
  }

  private onFrame(frame: Buffer): void {
    if (this.expectsRawSaslToken(frame)) return this.onRawSaslToken(frame);
    if (frame.length < MIN_REQUEST_BYTES) throw new KafkaProtocolError(`request of ${frame.length} bytes`);
    const apiKey = frame.readInt16BE(0);
    const version = frame.readInt16BE(2);
    const handler = this.deps.handlers.get(apiKey);
    if (handler === undefined) throw new KafkaProtocolError(`unknown api key ${apiKey}`);
    const inRange = version >= handler.minVersion && version <= handler.maxVersion;
    if (!inRange && handler.api === 'ApiVersions') {
      const complete = this.responses.reserve();
      complete(frameResponse(frame.readInt32BE(4), 0, this.deps.unsupportedApiVersions));
      return;
    }
    if (!inRange) throw new KafkaProtocolError(`${handler.api} v${version} is not supported`);
    if (this.sasl !== null && !this.sasl.authenticated && !PRE_AUTH_APIS.has(handler.api)) {
      throw new KafkaProtocolError(`${handler.api} before authentication`);
    }
    const reader = new KafkaReader(frame);
    const header = readRequestHeader(reader, requestHeaderVersion(handler, version));
    const request = handler.decode(reader, version);
    reader.expectEnd();
    const ctx: RequestContext = {
      streams: this.deps.streams,
      version,
      clientId: header.clientId ?? '',
      clientHost: clientHostOf(this.socket),
      node: this.deps.node,
      signal: this.closed.signal,
      sasl: this.sasl,
    };
    const complete = this.responses.reserve();
    const served = this.inOrder(handler.order, () => handler.serve(ctx, request));
    const headerVersion = responseHeaderVersion(handler, version);
    served
      .then((body) => complete(body === null ? null : frameResponse(header.correlationId, headerVersion, body)))
      .catch((err: unknown) => {
        process.emitWarning(`Kafka ${handler.api} v${version} failed; closing the connection: ${String(err)}`);
        this.socket.destroy();
      });
    this.updateFlow();
  }

  /** Starts `task` when `order` allows it (see RequestOrder); tasks released together start in arrival order. */
  private inOrder<T>(order: RequestOrder, task: () => Promise<T>): Promise<T> {
    if (order === 'free') return task();
    const run = (order === 'serial' ? this.orderedDone : this.serialDone).then(task);
    const done = run.then(ignore, ignore);
    if (order === 'serial') this.serialDone = this.orderedDone = done;
    else this.orderedDone = Promise.all([this.orderedDone, done]);
    return run;
  }

  /**
   * Whether this frame is a bare SASL token: after a v0 handshake tokens always come bare, and some
   * clients (kafka-python) send them bare after a v1 handshake too instead of as SaslAuthenticate.
   */
  private expectsRawSaslToken(frame: Buffer): boolean {
    const s = this.sasl;
    if (s === null || s.authenticated || !s.inExchange) return false;
    if (s.rawTokens) return true;
    return frame.length < 2 || frame.readInt16BE(0) !== SASL_AUTHENTICATE_KEY;
  }

  private onRawSaslToken(token: Buffer): void {
    const complete = this.responses.reserve();
    try {
      complete(frameRaw(this.sasl!.authenticate(token).response));
    } catch (err) {
      if (err instanceof SaslFailure) this.socket.destroy();
      else throw err;
    }
  }

  /**
   * Writes one framed response. The socket stays corked until the current tick's callbacks are
   * done, so responses completed together (one group commit acknowledges many) leave in one write.
   */
  private send(chunks: Buffer[]): void {
    if (this.socket.destroyed) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    for (const chunk of chunks) if (!this.socket.write(chunk)) this.writeBlocked = true;
    this.updateFlow();
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  /** Stops reading while too many responses are pending or the socket's buffer is full. */
  private updateFlow(): void {
    if (this.writeBlocked || this.responses.pending >= MAX_IN_FLIGHT) this.socket.pause();
    else this.socket.resume();
  }
}
