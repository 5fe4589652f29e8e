/**
 * A minimal Kafka client over a plain socket for wire-level tests: writes framed requests built
 * with the generated codecs and collects framed responses as they arrive.
 */
import { connect, type Socket } from 'node:net';
import { KAFKA_APIS, type ApiName } from '../../../src/kafka/codec/generated/api-keys.js';
import { sizeOfRequestHeader, writeRequestHeader } from '../../../src/kafka/codec/generated/request-header.js';
import { readResponseHeader } from '../../../src/kafka/codec/generated/response-header.js';
import { KafkaReader } from '../../../src/kafka/codec/reader.js';
import { KafkaWriter } from '../../../src/kafka/codec/writer.js';
import { loadCodec } from './message-schemas.js';

const isFlexible = (api: ApiName, version: number): boolean => {
  const first = KAFKA_APIS[api].firstFlexibleVersion;
  return first !== null && version >= first;
};

/** One decoded response. */
export interface RawResponse {
  correlationId: number;
  body: Record<string, unknown>;
}

/** A connection that sends requests and decodes responses with the generated codecs. */
export class RawKafkaClient {
  private buffered = Buffer.alloc(0);
  private readonly frames: Buffer[] = [];
  private waiter: (() => void) | null = null;
  private readonly expected = new Map<number, { api: ApiName; version: number }>();
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readInt32BE(0)) {
        const size = this.buffered.readInt32BE(0);
        this.frames.push(this.buffered.subarray(4, 4 + size));
        this.buffered = this.buffered.subarray(4 + size);
      }
      this.waiter?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
  }

  /** Connects to `host:port`. */
  static connect(address: string): Promise<RawKafkaClient> {
    const [host, port] = address.split(':');
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), host, () => resolve(new RawKafkaClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Encodes one request (header v1, or v2 when flexible) without sending it. */
  async encode(api: ApiName, version: number, correlationId: number, body: unknown): Promise<Buffer> {
    const codec = await loadCodec(`${api}Request`);
    const header = { requestApiKey: KAFKA_APIS[api].apiKey, requestApiVersion: version, correlationId, clientId: 'raw' };
    const headerVersion = isFlexible(api, version) ? 2 : 1;
    const size = sizeOfRequestHeader(header, headerVersion) + codec.sizeOf(body, version);
    const w = new KafkaWriter(4 + size);
    w.int32(size);
    writeRequestHeader(w, header, headerVersion);
    codec.write(w, body, version);
    this.expected.set(correlationId, { api, version });
    return w.finish();
  }

  /** Writes already-encoded requests in one go (pipelined). */
  write(...requests: Buffer[]): void {
    this.socket.write(Buffer.concat(requests));
  }

  /** Waits for the next response frame and decodes it with the codec of the request it answers. */
  async next(timeoutMs = 10_000): Promise<RawResponse> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0) {
      if (this.closed) throw new Error('connection closed');
      if (Date.now() > deadline) throw new Error('no response');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const frame = this.frames.shift()!;
    const correlationId = frame.readInt32BE(0);
    const request = this.expected.get(correlationId);
    if (request === undefined) throw new Error(`unexpected correlation id ${correlationId}`);
    const headerVersion = request.api !== 'ApiVersions' && isFlexible(request.api, request.version) ? 1 : 0;
    const r = new KafkaReader(frame);
    readResponseHeader(r, headerVersion);
    const body = (await loadCodec(`${request.api}Response`)).read(r, request.version) as Record<string, unknown>;
    r.expectEnd();
    return { correlationId, body };
  }

  close(): void {
    this.socket.destroy();
  }
}
