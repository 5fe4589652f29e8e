/**
 * A TCP relay between Kafka clients and the broker that can lose Produce responses: the broker
 * has appended and answered, the client never hears it. Clients reach it because the broker
 * advertises the relay's address (same port, another loopback address).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';

const PRODUCE_API_KEY = 0;
const SIZE_BYTES = 4;

/** A running relay. */
export interface FaultProxy {
  /** Drops the next Produce response on its way to the client; resolves once it has been dropped. */
  dropNextProduceResponse(): Promise<void>;
  close(): Promise<void>;
}

/** Splits a byte stream into length-prefixed Kafka frames, handing each complete frame to `onFrame`. */
class FrameSplitter {
  private pending = Buffer.alloc(0);

  constructor(private readonly onFrame: (frame: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= SIZE_BYTES) {
      const end = SIZE_BYTES + this.pending.readInt32BE(0);
      if (this.pending.length < end) return;
      this.onFrame(this.pending.subarray(0, end));
      this.pending = this.pending.subarray(end);
    }
  }
}

/** Listens on `listen` and relays every connection to `target` (both on the same port). */
export async function startFaultProxy(listen: { host: string; port: number }, target: { host: string; port: number }): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  let dropWaiter: (() => void) | null = null;

  const relay = (client: Socket) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const produceRequests = new Set<number>();
    const requests = new FrameSplitter((frame) => {
      // Request header: apiKey int16, apiVersion int16, correlationId int32.
      if (frame.readInt16BE(SIZE_BYTES) === PRODUCE_API_KEY) produceRequests.add(frame.readInt32BE(SIZE_BYTES + 4));
      upstream.write(frame);
    });
    const responses = new FrameSplitter((frame) => {
      const correlationId = frame.readInt32BE(SIZE_BYTES);
      if (produceRequests.delete(correlationId) && dropWaiter !== null) {
        const waiter = dropWaiter;
        dropWaiter = null;
        waiter();
        return;
      }
      client.write(frame);
    });
    client.on('data', (chunk: Buffer) => requests.push(chunk));
    upstream.on('data', (chunk: Buffer) => responses.push(chunk));
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      socket.on('close', closeBoth);
      socket.on('error', closeBoth);
    }
  };

  const server: Server = createServer(relay);
  server.listen(listen.port, listen.host);
  await once(server, 'listening');
  return {
    dropNextProduceResponse() {
      return new Promise<void>((resolve) => (dropWaiter = resolve));
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
