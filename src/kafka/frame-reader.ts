import { KafkaProtocolError } from './codec/protocol-error.js';

/**
 * Splits a byte stream into Kafka frames (int32 size, then that many bytes). A size below the
 * smallest request header or above the limit is a protocol error: the connection must close.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** `maxFrameBytes` bounds one frame; `minFrameBytes` is the smallest acceptable frame. */
  constructor(
    private maxFrameBytes: number,
    private readonly minFrameBytes = 0,
  ) {}

  /** Changes the largest frame accepted from the next frame on (e.g. once a client has logged in). */
  setMaxFrameBytes(maxFrameBytes: number): void {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Adds received bytes and returns every complete frame (without its size prefix). */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    while (this.buffered >= 4) {
      const size = this.peekSize();
      if (size < this.minFrameBytes || size > this.maxFrameBytes) {
        throw new KafkaProtocolError(`frame size ${size} outside ${this.minFrameBytes}..${this.maxFrameBytes}`);
      }
      if (this.buffered < 4 + size) break;
      frames.push(this.take(4 + size).subarray(4));
    }
    return frames;
  }

  private peekSize(): number {
    const first = this.chunks[0];
    if (first.length >= 4) return first.readInt32BE(0);
    return Buffer.concat(this.chunks, 4).readInt32BE(0);
  }

  /** Removes and returns the first n buffered bytes, copying only when they span chunks. */
  private take(n: number): Buffer {
    const first = this.chunks[0];
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.chunks, this.buffered);
      out = all.subarray(0, n);
      this.chunks = all.length > n ? [all.subarray(n)] : [];
    }
    this.buffered -= n;
    return out;
  }
}
