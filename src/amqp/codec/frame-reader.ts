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

  /** Bytes received and not yet consumed. */
  get pending(): number {
    return this.buffered;
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
    const head = first.length >= 7 ? first : this.peek(7);
    const type = head[0]!;
    const channel = head.readUInt16BE(1);
    const size = head.readUInt32BE(3);
    if (type !== FrameType.METHOD && type !== FrameType.HEADER && type !== FrameType.BODY && type !== FrameType.HEARTBEAT) {
      throw new AmqpProtocolError(ReplyCode.FRAME_ERROR, `unknown frame type ${type}`);
    }
    if (this.frameMax > 0 && size + FRAME_OVERHEAD > this.frameMax) {
      throw new AmqpProtocolError(ReplyCode.FRAME_ERROR, `frame of ${size + FRAME_OVERHEAD} bytes exceeds frame_max ${this.frameMax}`);
    }
    if (this.buffered < size + FRAME_OVERHEAD) return undefined;
    const frame = this.consume(size + FRAME_OVERHEAD);
    if (frame[size + 7] !== FRAME_END) {
      throw new AmqpProtocolError(ReplyCode.FRAME_ERROR, `frame end octet ${frame[size + 7]} instead of ${FRAME_END}`);
    }
    return { type, channel, payload: frame.subarray(7, 7 + size) };
  }

  /** The first `n` buffered bytes (n <= buffered), copied only if they span chunks. */
  private peek(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    for (const chunk of this.chunks) {
      filled += chunk.copy(out, filled, 0, Math.min(chunk.length, n - filled));
      if (filled === n) break;
    }
    return out;
  }

  /** Removes and returns the first `n` buffered bytes (n <= buffered): a view when they lie in one chunk. */
  private consume(n: number): Buffer {
    const first = this.chunks[0]!;
    this.buffered -= n;
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    if (first.length === n) {
      this.chunks.shift();
      return first;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0]!;
      const part = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, part);
      filled += part;
      if (part === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(part);
    }
    return out;
  }
}
