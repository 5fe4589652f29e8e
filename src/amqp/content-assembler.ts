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

/** One step of assembly: the size a header declared, the content once complete. */
export interface AssemblyStep {
  declaredSize: number | undefined;
  content: Content | undefined;
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
  private readonly fragments: Buffer[] = [];
  private waiting = false;
  /** What `add` returns, reused from call to call. */
  private readonly step: AssemblyStep = { declaredSize: undefined, content: undefined };

  /** True between a content-carrying method and the end of its body. */
  get active(): boolean {
    return this.waiting;
  }

  /** Starts waiting for the content of a method. */
  begin(): void {
    this.waiting = true;
    this.properties = undefined;
    this.received = 0;
    this.fragments.length = 0;
  }

  /**
   * Takes a header or body frame. Returns the bodySize declared when the header arrives (so the caller
   * can apply size limits), and the complete content once the last body byte is in. The returned object
   * is reused by the next call: read it at once.
   */
  add(frame: Frame): Readonly<AssemblyStep> {
    const step = this.step;
    step.declaredSize = undefined;
    step.content = undefined;
    if (this.properties === undefined) {
      if (frame.type !== FrameType.HEADER) {
        throw new AmqpProtocolError(ReplyCode.UNEXPECTED_FRAME, 'expected content header for class 60, got non content header frame instead');
      }
      const header = readContentHeader(frame.payload);
      this.properties = header.properties;
      this.bodySize = header.bodySize;
      step.declaredSize = header.bodySize;
      if (header.bodySize === 0) step.content = this.finish();
      return step;
    }
    if (frame.type !== FrameType.BODY) {
      throw new AmqpProtocolError(ReplyCode.UNEXPECTED_FRAME, 'expected content body, got non content body frame instead');
    }
    this.received += frame.payload.length;
    if (this.received > this.bodySize) {
      throw new AmqpProtocolError(ReplyCode.FRAME_ERROR, `content body of ${this.received} bytes exceeds the declared ${this.bodySize} bytes`);
    }
    this.fragments.push(frame.payload);
    if (this.received === this.bodySize) step.content = this.finish();
    return step;
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
    fragments.length = 0;
    return content;
  }
}
