import { readContentHeader } from './codec/content-header.js';
import { AmqpProtocolError, ReplyCode } from './codec/errors.js';
import { FrameType, type Frame } from './codec/frame-reader.js';
import type { BasicProperties } from './codec/generated/properties.js';

/** Bodies shorter than this are copied out of the receive buffer so they do not pin it in memory. */
const COPY_BELOW = 16 * 1024;

/** A complete content: header properties and body. */
export interface Content {
  properties: BasicProperties;
  body: Buffer;
}

/**
 * Collects the header and body frames that follow a content-carrying method (method, header, body...)
 * and checks their order and sizes. Out-of-order frames are 505 UNEXPECTED_FRAME, a body longer than
 * its header declared is 501 FRAME_ERROR.
 */
export class ContentAssembler {
  private properties: BasicProperties | undefined;
  private bodySize = 0;
  private received = 0;
  private fragments: Buffer[] = [];
  private waiting = false;

  /** True between a content-carrying method and the end of its body. */
  get active(): boolean {
    return this.waiting;
  }

  /** Starts waiting for the content of a method. */
  begin(): void {
    this.waiting = true;
    this.properties = undefined;
    this.received = 0;
    this.fragments = [];
  }

  /**
   * Takes a header or body frame. Returns the bodySize declared when the header arrives (so the caller
   * can apply size limits), and the complete content once the last body byte is in.
   */
  add(frame: Frame): { declaredSize?: number; content?: Content } {
    if (this.properties === undefined) {
      if (frame.type !== FrameType.HEADER) {
        throw new AmqpProtocolError(ReplyCode.UNEXPECTED_FRAME, 'expected content header for class 60, got non content header frame instead');
      }
      const header = readContentHeader(frame.payload);
      this.properties = header.properties;
      this.bodySize = header.bodySize;
      return { declaredSize: header.bodySize, content: header.bodySize === 0 ? this.finish() : undefined };
    }
    if (frame.type !== FrameType.BODY) {
      throw new AmqpProtocolError(ReplyCode.UNEXPECTED_FRAME, 'expected content body, got non content body frame instead');
    }
    this.received += frame.payload.length;
    if (this.received > this.bodySize) {
      throw new AmqpProtocolError(ReplyCode.FRAME_ERROR, `content body of ${this.received} bytes exceeds the declared ${this.bodySize} bytes`);
    }
    this.fragments.push(frame.payload);
    return this.received === this.bodySize ? { content: this.finish() } : {};
  }

  private finish(): Content {
    const fragments = this.fragments;
    let body: Buffer;
    if (fragments.length === 0) body = Buffer.alloc(0);
    else if (fragments.length > 1) body = Buffer.concat(fragments, this.received);
    else body = fragments[0]!.length < COPY_BELOW ? Buffer.from(fragments[0]!) : fragments[0]!;
    const content = { properties: this.properties!, body };
    this.waiting = false;
    this.properties = undefined;
    this.fragments = [];
    return content;
  }
}
