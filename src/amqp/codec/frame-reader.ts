import { AmqpProtocolError, ReplyCode } from './errors.js';

/** Frame type octets. */
export const FrameType = { METHOD: 1, HEADER: 2, BODY: 3, HEARTBEAT: 8 } as const;

/** The octet that ends every frame. */
export const FRAME_END = 0xce;

/** Bytes a frame adds around its payload: type, channel, size, end octet. */
export const FRAME_OVERHEAD = 8;

/** One frame off the wire. `payload` is a view of the received bytes whenever they arrived in one chunk. */
export interface Frame {
  type: number;
  channel: number;
  payload: Buffer;
}

/**
 * Incremental AMQP frame reader over a stream of chunks. Push chunks as they arrive, then call `next()`
 * until it returns undefined. Frames larger than `frameMax` (header and end octet included), unknown
 * frame types and a wrong end octet throw AmqpProtocolError 501.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  /** Bytes of chunks[0] already consumed. */
  private offset = 0;
  private buffered = 0;

  /** Largest acceptable frame, all of it counted (0: no limit beyond the 32-bit size). */
  frameMax: number;

  constructor(frameMax: number) {
    this.frameMax = frameMax;
  }

  /** Adds received bytes. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** Takes exactly `n` bytes if that many are buffered (used for the 8-byte protocol header). */
  take(n: number): Buffer | undefined {
    if (this.buffered < n) return undefined;
    return this.consume(n);
  }

  /** The next complete frame, or undefined until more bytes arrive. */
  next(): Frame | undefined {
    if (this.buffered < 7) return undefined;
    const first = this.chunks[0]!;
    let at = this.offset;
    let head = first;
    if (first.length - at < 7) {
      head = this.peek(7);
      at = 0;
    }
    const type = head[at]!;
    const channel = head.readUInt16BE(at + 1);
    const size = head.readUInt32BE(at + 3);
    if (type !== FrameType.METHOD && type !== FrameType.HEADER && type !== FrameType.BODY && type !== FrameType.HEARTBEAT) {
      throw new AmqpProtocolError(ReplyCode.FRAME_ERROR, `unknown frame type ${type}`);
    }
    const total = size + FRAME_OVERHEAD;
    if (this.frameMax > 0 && total > this.frameMax) {
      throw new AmqpProtocolError(ReplyCode.FRAME_ERROR, `frame of ${total} bytes exceeds frame_max ${this.frameMax}`);
    }
    if (this.buffered < total) return undefined;
    let frame = first;
    let start = this.offset;
    if (first.length - start >= total) {
      // The whole frame lies in the first chunk: one view of its payload, nothing copied.
      this.buffered -= total;
      this.advance(first, total);
    } else {
      frame = this.consume(total);
      start = 0;
    }
    const end = frame[start + size + 7];
    if (end !== FRAME_END) throw new AmqpProtocolError(ReplyCode.FRAME_ERROR, `frame end octet ${end} instead of ${FRAME_END}`);
    return { type, channel, payload: frame.subarray(start + 7, start + 7 + size) };
  }

  /** The first `n` buffered bytes (n <= buffered) copied into a new buffer. */
  private peek(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    let start = this.offset;
    for (const chunk of this.chunks) {
      filled += chunk.copy(out, filled, start, Math.min(chunk.length, start + n - filled));
      start = 0;
      if (filled === n) break;
    }
    return out;
  }

  /** Removes and returns the first `n` buffered bytes (n <= buffered): a view when they lie in one chunk. */
  private consume(n: number): Buffer {
    const first = this.chunks[0]!;
    this.buffered -= n;
    if (first.length - this.offset >= n) {
      const view = first.subarray(this.offset, this.offset + n);
      this.advance(first, n);
      return view;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0]!;
      const part = Math.min(chunk.length - this.offset, n - filled);
      chunk.copy(out, filled, this.offset, this.offset + part);
      filled += part;
      this.advance(chunk, part);
    }
    return out;
  }

  /** Marks `n` bytes of the first chunk consumed, dropping the chunk once it is used up. */
  private advance(first: Buffer, n: number): void {
    this.offset += n;
    if (this.offset === first.length) {
      this.chunks.shift();
      this.offset = 0;
    }
  }
}
