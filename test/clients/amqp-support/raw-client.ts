/** A minimal AMQP client over a raw socket, for sending malformed or out-of-order frames on purpose. */
import { ByteReader, ByteWriter, FrameReader, FrameType, FrameWriter, MethodId, readMethod, writeTable, type AmqpMethod, type Frame } from '../../../src/amqp/codec/index.js';
import { RawConnection } from './broker.js';

/** Encodes frames with the product's codec (the frames a well-behaved client would send). */
export function frames(build: (w: FrameWriter) => void, frameMax = 131072): Buffer {
  const w = new FrameWriter(frameMax);
  build(w);
  return Buffer.concat(w.take());
}

/** Decodes every complete frame in `bytes`. */
export function parseFrames(bytes: Buffer): Frame[] {
  const reader = new FrameReader(0);
  reader.push(bytes);
  const out: Frame[] = [];
  let f: Frame | undefined;
  while ((f = reader.next()) !== undefined) out.push(f);
  return out;
}

/** The methods among the frames received so far. */
export function methodsOf(received: Buffer): { channel: number; method: AmqpMethod }[] {
  return parseFrames(received)
    .filter((f) => f.type === FrameType.METHOD)
    .map((f) => ({ channel: f.channel, method: readMethod(new ByteReader(f.payload)) }));
}

/** The connection.close the server sent, if any. */
export function connectionCloseOf(received: Buffer): { replyCode: number; replyText: string } | undefined {
  for (const { method } of methodsOf(received)) if (method.id === MethodId.ConnectionClose) return method.args;
  return undefined;
}

/** The channel.close the server sent on `channel`, if any. */
export function channelCloseOf(received: Buffer, channel: number): { replyCode: number; replyText: string } | undefined {
  for (const m of methodsOf(received)) if (m.channel === channel && m.method.id === MethodId.ChannelClose) return m.method.args;
  return undefined;
}

function plainResponse(user: string, password: string): Buffer {
  return Buffer.from(`\0${user}\0${password}`);
}

/** AMQPLAIN response: a field table body without its length prefix. */
export function amqplainResponse(user: string, password: string): Buffer {
  const w = new ByteWriter(64);
  writeTable(w, { LOGIN: user, PASSWORD: password });
  return w.take().subarray(4);
}

/**
 * Connects, performs the whole handshake (header, start-ok, tune-ok, open) and opens channel 1.
 * Resolves once channel.open-ok arrived.
 */
export async function openRawChannel(port: number, options: { vhost?: string; frameMax?: number } = {}): Promise<RawConnection> {
  const raw = await RawConnection.open(port);
  raw.write(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1'));
  await raw.waitFor((r) => methodsOf(r).some((m) => m.method.id === MethodId.ConnectionStart));
  raw.write(frames((w) => w.method(0, { id: MethodId.ConnectionStartOk, args: { clientProperties: {}, mechanism: 'PLAIN', response: plainResponse('guest', 'guest'), locale: 'en_US' } })));
  await raw.waitFor((r) => methodsOf(r).some((m) => m.method.id === MethodId.ConnectionTune));
  raw.write(
    frames((w) => {
      w.method(0, { id: MethodId.ConnectionTuneOk, args: { channelMax: 16, frameMax: options.frameMax ?? 131072, heartbeat: 0 } });
      w.method(0, { id: MethodId.ConnectionOpen, args: { virtualHost: options.vhost ?? '/', capabilities: '', insist: false } });
      w.method(1, { id: MethodId.ChannelOpen, args: { outOfBand: '' } });
    }),
  );
  await raw.waitFor((r) => methodsOf(r).some((m) => m.method.id === MethodId.ChannelOpenOk));
  return raw;
}
