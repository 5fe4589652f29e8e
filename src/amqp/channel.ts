import type { Delivery, MessageProperties, PublishResult, QueueFlow, Session } from '../core/queues/index.js';
import { AmqpProtocolError, ReplyCode } from './codec/errors.js';
import { FrameType, type Frame } from './codec/frame-reader.js';
import { ByteReader } from './codec/byte-reader.js';
import { MethodId, readMethod, type AmqpMethod, type BasicDeliverArgs, type BasicPublishArgs } from './codec/generated/methods.js';
import { closeReasonOf, replyText, type CloseReason } from './close-reason.js';
import { ConfirmTracker } from './confirm-tracker.js';
import { ContentAssembler, type Content } from './content-assembler.js';
import type { Outbound } from './outbound.js';
import { performMethod } from './channel-methods.js';

/** What a channel needs from its connection. */
export interface ChannelHost {
  readonly out: Outbound;
  /** Largest message body accepted (checked when the content header arrives). */
  readonly maxMessageBytes: number;
  /** The client understands server-sent basic.cancel. */
  readonly cancelNotify: boolean;
  /** The user the connection authenticated as (a published user_id must name it). */
  readonly username: string;
  /** Closes the connection for a connection-level error raised on this channel. */
  connectionError(reason: CloseReason, method: AmqpMethod | undefined): void;
  /** The channel is fully closed; its number may be reused. */
  release(channelId: number): void;
  /** A message was published (the connection may stop reading while it is blocked). */
  published(): void;
  /** A message went into a queue under pressure: stop reading from the client until it is relieved. */
  pressured(flow: QueueFlow): void;
  /** A session is closing; the connection waits for it before it reports itself closed. */
  sessionClosing(closing: Promise<void>): void;
}

/** Confirmed publishes `first` to `last`, whose outcome is `result`. */
interface PendingConfirms {
  readonly result: Promise<PublishResult>;
  readonly first: number;
  last: number;
}

/** A method with its content, if it carries any. */
export interface Command {
  method: AmqpMethod;
  content?: Content;
}

/**
 * One AMQP channel over a core Session: assembles content, runs methods strictly in order (a method
 * that waits on the core holds back the ones after it), writes replies, and turns errors into
 * channel.close or connection.close as RabbitMQ does.
 */
export class AmqpChannel {
  /** 'open'; 'closing' once we sent channel.close and await close-ok; 'closed' once the client closed it. */
  state: 'open' | 'closing' | 'closed' = 'open';
  confirms: ConfirmTracker | undefined;
  transactional = false;
  private readonly assembler = new ContentAssembler();
  private pendingMethod: AmqpMethod | undefined;
  private readonly queue: Command[] = [];
  private busy = false;
  private confirmFlushScheduled = false;
  private sessionClose: Promise<void> | undefined;
  /** Consecutive confirmed publishes sharing one result (stored in one batch), while it is pending. */
  private confirmRun: PendingConfirms | undefined;
  /** The publish result whose failure this channel already listens for. */
  private watchedResult: Promise<PublishResult> | undefined;

  constructor(
    readonly id: number,
    readonly host: ChannelHost,
    readonly session: Session,
  ) {}

  /** Handles one frame addressed to this channel. Throws AmqpProtocolError for connection-level errors. */
  handleFrame(frame: Frame): void {
    if (this.state !== 'open') return this.handleWhileClosing(frame);
    if (this.assembler.active) {
      const { declaredSize, content } = this.assembler.add(frame);
      if (declaredSize !== undefined && declaredSize > this.host.maxMessageBytes) {
        const method = this.pendingMethod;
        this.pendingMethod = undefined;
        return this.channelError(
          { scope: 'channel', code: ReplyCode.PRECONDITION_FAILED, text: replyText(ReplyCode.PRECONDITION_FAILED, `message size ${declaredSize} is larger than configured max size ${this.host.maxMessageBytes}`) },
          method,
        );
      }
      if (content) {
        const method = this.pendingMethod!;
        this.pendingMethod = undefined;
        this.dispatch({ method, content });
      }
      return;
    }
    if (frame.type !== FrameType.METHOD) {
      throw new AmqpProtocolError(ReplyCode.UNEXPECTED_FRAME, 'expected method frame, got non method frame instead');
    }
    const method = readMethod(new ByteReader(frame.payload));
    if (method.id === MethodId.BasicPublish) {
      this.pendingMethod = method;
      this.assembler.begin();
      return;
    }
    this.dispatch({ method });
  }

  /** Closes the session without any frames (the connection is going away). */
  teardown(): void {
    if (this.state === 'open') this.state = 'closed';
    this.queue.length = 0;
    void this.closeSession();
  }

  /** Closes the session once (returning unacked messages to their queues); errors are not the client's concern. */
  private closeSession(): Promise<void> {
    if (!this.sessionClose) {
      this.sessionClose = this.session.close().catch(() => undefined);
      this.host.sessionClosing(this.sessionClose);
    }
    return this.sessionClose;
  }

  /** Writes a method frame on this channel. */
  send(method: AmqpMethod): void {
    this.host.out.frames.method(this.id, method);
    this.host.out.schedule();
  }

  /** Writes a content-carrying method on this channel. */
  sendContent(method: AmqpMethod, properties: MessageProperties, body: Buffer): void {
    this.host.out.frames.content(this.id, method, properties, body);
    this.host.out.schedule();
  }

  /** Pushes a consumer delivery as basic.deliver (dropped once the channel is closing). */
  readonly deliver = (d: Delivery): void => {
    if (this.state !== 'open') return;
    // Encoded before sendContent returns, so one method object serves every delivery.
    const args = this.deliverMethod.args;
    args.consumerTag = d.consumerTag!;
    args.deliveryTag = d.deliveryTag;
    args.redelivered = d.redelivered;
    args.exchange = d.exchange;
    args.routingKey = d.routingKey;
    this.sendContent(this.deliverMethod, d.properties, d.body);
  };
  private readonly deliverMethod: { id: typeof MethodId.BasicDeliver; args: BasicDeliverArgs } = {
    id: MethodId.BasicDeliver,
    args: { consumerTag: '', deliveryTag: 0, redelivered: false, exchange: '', routingKey: '' },
  };

  /** Tells the client the broker cancelled its consumer (when it supports consumer_cancel_notify). */
  readonly consumerCancelled = (consumerTag: string): void => {
    if (this.state !== 'open' || !this.host.cancelNotify) return;
    this.send({ id: MethodId.BasicCancel, args: { consumerTag, nowait: true } });
  };

  /** Publishes a message through the session and arranges its confirm and mandatory return. */
  publish(args: BasicPublishArgs, content: Content): void {
    const { properties, body } = content;
    if (properties.userId !== undefined && properties.userId !== this.host.username) {
      throw new AmqpProtocolError(ReplyCode.PRECONDITION_FAILED, `user_id property set to '${properties.userId}' but authenticated user was '${this.host.username}'`);
    }
    this.host.published();
    const result = this.session.publish(args.exchange, args.routingKey, properties, body, { mandatory: args.mandatory, unconfirmed: !this.confirms });
    const pressure = this.session.takePressure();
    if (pressure) this.host.pressured(pressure);
    if (this.confirms) {
      const seq = this.confirms.register();
      const run = this.confirmRun;
      if (run !== undefined && run.result === result && !args.mandatory) {
        run.last = seq; // stored in the same batch as the publishes before it: confirmed with them
        return;
      }
      const next: PendingConfirms = { result, first: seq, last: seq };
      this.confirmRun = args.mandatory ? undefined : next;
      result.then(
        (r) => this.settleConfirms(next, r, args, content),
        (error: unknown) => this.fail(error, undefined),
      );
    } else if (args.mandatory) {
      result.then((r) => this.returnIfUnroutable(r, args, content), this.failAsync);
    } else if (result !== this.watchedResult) {
      // Messages stored in one batch share their result: one failure handler covers them all.
      this.watchedResult = result;
      result.catch(this.failAsync);
    }
  }

  /** Sends basic.return for an unroutable mandatory message. */
  returnIfUnroutable(result: PublishResult, args: BasicPublishArgs, content: Content): void {
    if (this.state !== 'open' || result.routed || result.discarded || !args.mandatory) return;
    this.sendContent(
      { id: MethodId.BasicReturn, args: { replyCode: ReplyCode.NO_ROUTE, replyText: 'NO_ROUTE', exchange: args.exchange, routingKey: args.routingKey } },
      content.properties,
      content.body,
    );
  }

  /** Turns an error raised while running `method` into the channel or connection close it calls for. */
  fail(error: unknown, method: AmqpMethod | undefined): void {
    if (this.state !== 'open') return;
    const reason = closeReasonOf(error);
    if (reason.scope === 'channel') this.channelError(reason, method);
    else this.host.connectionError(reason, method);
  }

  private readonly failAsync = (error: unknown): void => this.fail(error, undefined);

  /**
   * Records the outcome of a run of confirmed publishes (returning a mandatory one first if unroutable);
   * confirms go out in batches.
   */
  private settleConfirms(run: PendingConfirms, result: PublishResult, args: BasicPublishArgs, content: Content): void {
    if (this.confirmRun === run) this.confirmRun = undefined;
    if (this.state !== 'open' || !this.confirms) return;
    this.returnIfUnroutable(result, args, content);
    this.confirms.settle(run.first, run.last, !result.rejected);
    if (this.confirmFlushScheduled) return;
    this.confirmFlushScheduled = true;
    queueMicrotask(this.flushConfirms);
  }

  private readonly flushConfirms = (): void => {
    this.confirmFlushScheduled = false;
    if (this.state !== 'open' || !this.confirms) return;
    for (const run of this.confirms.takeRuns()) {
      if (run.ack) this.send({ id: MethodId.BasicAck, args: { deliveryTag: run.deliveryTag, multiple: run.multiple } });
      else this.send({ id: MethodId.BasicNack, args: { deliveryTag: run.deliveryTag, multiple: run.multiple, requeue: false } });
    }
  };

  /** Runs a command now, or after the commands ahead of it have finished. */
  private dispatch(command: Command): void {
    if (this.busy || this.queue.length > 0) {
      this.queue.push(command);
      return;
    }
    this.run(command);
  }

  private run(command: Command): void {
    let pending: Promise<void> | void;
    try {
      pending = performMethod(this, command);
    } catch (error) {
      this.fail(error, command.method);
      return;
    }
    if (pending === undefined) return;
    this.busy = true;
    pending.then(
      () => {
        this.busy = false;
        this.drain();
      },
      (error: unknown) => {
        this.busy = false;
        this.fail(error, command.method);
        this.drain();
      },
    );
  }

  private drain(): void {
    while (!this.busy && this.state === 'open' && this.queue.length > 0) this.run(this.queue.shift()!);
  }

  /** Closes the channel for a soft error: channel.close out, session closed, frames dropped until close-ok. */
  private channelError(reason: CloseReason, method: AmqpMethod | undefined): void {
    this.state = 'closing';
    this.queue.length = 0;
    this.send({
      id: MethodId.ChannelClose,
      args: { replyCode: reason.code, replyText: reason.text, classId: method ? method.id >>> 16 : 0, methodId: method ? method.id & 0xffff : 0 },
    });
    void this.closeSession();
  }

  /** While closing, only channel.close-ok (or a crossing channel.close) matters; the rest is dropped. */
  private handleWhileClosing(frame: Frame): void {
    if (this.state !== 'closing' || frame.type !== FrameType.METHOD) return;
    const method = readMethod(new ByteReader(frame.payload));
    if (method.id === MethodId.ChannelCloseOk) {
      this.host.release(this.id);
    } else if (method.id === MethodId.ChannelClose) {
      this.send({ id: MethodId.ChannelCloseOk, args: {} });
    }
  }

  /** Client-initiated close: after the methods ahead of it, close the session, answer close-ok, free the number. */
  async closeByClient(): Promise<void> {
    this.state = 'closed';
    this.queue.length = 0;
    await this.closeSession();
    this.send({ id: MethodId.ChannelCloseOk, args: {} });
    this.host.release(this.id);
  }
}
