import { ByteWriter } from './byte-writer.js';
import { writeContentHeader } from './content-header.js';
import { FRAME_END, FRAME_OVERHEAD, FrameType } from './frame-reader.js';
import { writeMethod, type AmqpMethod } from './generated/methods.js';
import type { BasicProperties } from './generated/properties.js';

/** Body slices at least this long are passed on as they are instead of being copied. */
const COPY_LIMIT = 16 * 1024;

/** Room made before a method or header frame: most fit, and a larger one grows the buffer as it is written. */
const FRAME_ROOM = 512;

const HEARTBEAT_FRAME = Buffer.from([FrameType.HEARTBEAT, 0, 0, 0, 0, 0, 0, FRAME_END]);

/**
 * Encodes outgoing frames into one growing buffer so that everything produced in one turn of the
 * event loop goes out in a single write. Large bodies are not copied: `take()` returns the encoded
 * bytes interleaved with those body slices, in order. I/O-free.
 */
export class FrameWriter {
  private readonly w = new ByteWriter();
  private parts: Buffer[] = [];
  private partBytes = 0;

  /** Largest frame the peer accepts (header and end octet included). */
  frameMax: number;

  constructor(frameMax: number) {
    this.frameMax = frameMax;
  }

  /** Bytes encoded and not yet taken. */
  get pendingBytes(): number {
    return this.partBytes + this.w.pending;
  }

  /** Appends a method frame. */
  method(channel: number, method: AmqpMethod): void {
    const at = this.startFrame(FrameType.METHOD, channel);
    writeMethod(this.w, method);
    this.endFrame(at);
  }

  /** Appends a content-carrying method with its header frame and as many body frames as frame_max needs. */
  content(channel: number, method: AmqpMethod, properties: BasicProperties, body: Buffer): void {
    this.method(channel, method);
    const at = this.startFrame(FrameType.HEADER, channel);
    writeContentHeader(this.w, body.length, properties);
    this.endFrame(at);
    const maxPayload = this.frameMax - FRAME_OVERHEAD;
    for (let offset = 0; offset < body.length; offset += maxPayload) {
      this.body(channel, body.subarray(offset, Math.min(body.length, offset + maxPayload)));
    }
  }

  /** Appends a heartbeat frame. */
  heartbeat(): void {
    this.w.room(HEARTBEAT_FRAME.length);
    this.w.bytes(HEARTBEAT_FRAME);
  }

  /** Returns everything appended since the last call, as buffers to write in order. */
  take(): Buffer[] {
    if (this.w.pending > 0) this.parts.push(this.w.take());
    const out = this.parts;
    this.parts = [];
    this.partBytes = 0;
    return out;
  }

  private body(channel: number, slice: Buffer): void {
    const w = this.w;
    w.room(slice.length < COPY_LIMIT ? slice.length + FRAME_OVERHEAD : FRAME_OVERHEAD);
    w.octet(FrameType.BODY);
    w.short(channel);
    w.long(slice.length);
    if (slice.length < COPY_LIMIT) {
      w.bytes(slice);
    } else {
      const encoded = w.take();
      this.parts.push(encoded, slice);
      this.partBytes += encoded.length + slice.length;
    }
    w.octet(FRAME_END);
  }

  private startFrame(type: number, channel: number): number {
    this.w.room(FRAME_ROOM);
    this.w.octet(type);
    this.w.short(channel);
    return this.w.reserve(4);
  }

  private endFrame(sizeAt: number): void {
    this.w.buf.writeUInt32BE(this.w.pos - sizeAt - 4, sizeAt);
    this.w.octet(FRAME_END);
  }
}
