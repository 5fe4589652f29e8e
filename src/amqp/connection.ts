import type { Socket } from 'node:net';
import type { FlowListener, QueueBroker, QueueFlow } from '../core/queues/index.js';
import { ByteReader } from './codec/byte-reader.js';
import { AmqpProtocolError, ReplyCode } from './codec/errors.js';
import { FrameReader, FrameType, type Frame } from './codec/frame-reader.js';
import { MethodId, readMethod, type AmqpMethod } from './codec/generated/methods.js';
import { methodName } from './codec/method-names.js';
import { AmqpChannel, type ChannelHost } from './channel.js';
import { closeReasonOf, replyText, type CloseReason } from './close-reason.js';
import { Handshake, type HandshakeSettings } from './handshake.js';
import { Outbound } from './outbound.js';
import { ReadGate } from './read-gate.js';
import { clientHasCapability } from './server-properties.js';

/** How long a peer has to answer our connection.close with close-ok before the socket is dropped. */
const CLOSE_OK_TIMEOUT_MS = 3000;

/** Server-wide settings every connection uses. */
export interface ConnectionSettings extends HandshakeSettings {
  maxMessageBytes: number;
}

/**
 * One client connection: protocol header and handshake (see Handshake), then frames dispatched to
 * channels, heartbeats both ways, connection.blocked notifications, and close handshakes. Connection
 * errors send connection.close with the RabbitMQ reply code and text, and never affect other connections.
 */
export class AmqpConnection implements ChannelHost, FlowListener {
  /** Resolves once the socket is closed and the connection's sessions are cleaned up. */
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;
  readonly out: Outbound;
  readonly maxMessageBytes: number;
  cancelNotify = false;
  username = '';
  private readonly reader: FrameReader;
  private readonly readGate: ReadGate;
  private readonly handshake: Handshake;
  private readonly channels = new Map<number, AmqpChannel>();
  private readonly closingSessions = new Set<Promise<void>>();
  /** Queues under pressure this connection published into: reading stays paused until all are relieved. */
  private readonly flowWaits = new Set<QueueFlow>();
  private state: 'handshake' | 'running' | 'closing' | 'closed' = 'handshake';
  private vhost = '/';
  private channelMax = 0;
  private blockedCapable = false;
  private blockedReason: string | undefined;
  private lastRead = Date.now();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private closeTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly id: string,
    private readonly socket: Socket,
    private readonly queues: QueueBroker,
    settings: ConnectionSettings,
    private readonly onClosed: (connection: AmqpConnection) => void,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.maxMessageBytes = settings.maxMessageBytes;
    this.reader = new FrameReader(settings.frameMax);
    this.readGate = new ReadGate(socket);
    this.out = new Outbound(socket, settings.frameMax, { onCongested: () => this.setPaused(true), onDrained: () => this.setPaused(false) }, this.readGate);
    this.handshake = new Handshake(settings, socket.remoteAddress ?? '', this.out, queues, () => socket.destroy());
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => this.onSocketClosed());
  }

  private get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Broker resource alarm: tells a client that supports it that publishing is blocked (or unblocked). */
  setBlocked(reason: string | undefined): void {
    if (this.blockedReason === reason) return;
    this.blockedReason = reason;
    if (reason === undefined) this.readGate.open('blocked');
    if (this.state !== 'running' || !this.blockedCapable) return;
    if (reason === undefined) this.sendMethod(0, { id: MethodId.ConnectionUnblocked, args: {} });
    else this.sendMethod(0, { id: MethodId.ConnectionBlocked, args: { reason } });
  }

  /** Closes the connection from the server side (broker shutdown), 320 CONNECTION_FORCED. */
  forceClose(reason: string): void {
    if (this.state === 'handshake') {
      this.socket.destroy();
      return;
    }
    this.connectionError({ scope: 'connection', code: ReplyCode.CONNECTION_FORCED, text: replyText(ReplyCode.CONNECTION_FORCED, `broker forced connection closure with reason '${reason}'`) }, undefined);
  }

  /** ChannelHost: a publish arrived; while blocked, stop reading more from this client. */
  published(): void {
    if (this.blockedReason !== undefined) this.readGate.close('blocked');
  }

  /** ChannelHost: a publish went into a queue under pressure; stop reading until it is relieved (state 'flow'). */
  pressured(flow: QueueFlow): void {
    if (this.flowWaits.has(flow) || !flow.wait(this)) return;
    this.flowWaits.add(flow);
    this.readGate.close('flow');
  }

  /** FlowListener: a queue this connection waited on is relieved; reading resumes once none is left. */
  relieved(flow: QueueFlow): void {
    if (!this.flowWaits.delete(flow) || this.flowWaits.size > 0) return;
    this.readGate.open('flow');
  }

  /** True while reading is paused because a queue this connection publishes into is under pressure. */
  get inFlow(): boolean {
    return this.flowWaits.size > 0;
  }

  /** ChannelHost: remembers a closing session so that the connection closes after it. */
  sessionClosing(closing: Promise<void>): void {
    this.closingSessions.add(closing);
    void closing.then(() => this.closingSessions.delete(closing));
  }

  /** ChannelHost: the channel number is free again. */
  release(channelId: number): void {
    this.channels.delete(channelId);
  }

  /** ChannelHost and internal: sends connection.close for a connection-level error and awaits close-ok. */
  connectionError(reason: CloseReason, method: AmqpMethod | undefined): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.state = 'closing';
    this.teardownChannels();
    this.sendMethod(0, {
      id: MethodId.ConnectionClose,
      args: { replyCode: reason.code, replyText: reason.text, classId: method ? method.id >>> 16 : 0, methodId: method ? method.id & 0xffff : 0 },
    });
    this.closeTimer = setTimeout(() => this.socket.destroy(), CLOSE_OK_TIMEOUT_MS);
  }

  private onData(chunk: Buffer): void {
    this.lastRead = Date.now();
    if (this.state === 'closed') return;
    this.reader.push(chunk);
    if (this.state === 'handshake' && !this.handshake.headerSeen && !this.readProtocolHeader()) return;
    for (;;) {
      let frame: Frame | undefined;
      try {
        frame = this.reader.next();
      } catch (error) {
        return this.failStream(error);
      }
      if (frame === undefined) return;
      try {
        this.handleFrame(frame);
      } catch (error) {
        this.connectionError(closeReasonOf(error), undefined);
      }
      if (this.isClosed) return;
    }
  }

  /** Reads the 8-byte protocol header; on a mismatch answers with ours and closes. */
  private readProtocolHeader(): boolean {
    const header = this.reader.take(8);
    if (header === undefined) return false;
    if (this.handshake.acceptHeader(header)) return true;
    this.state = 'closed';
    this.socket.end(this.handshake.protocolHeader);
    return false;
  }

  /** Closes the socket without connection.close (a handshake the client cannot be told about). */
  private hangUp(): void {
    this.state = 'closed';
    this.socket.end();
  }

  /** A framing error leaves the stream unparseable: send connection.close (unless already sent) and hang up. */
  private failStream(error: unknown): void {
    this.connectionError(closeReasonOf(error), undefined);
    this.state = 'closed';
    this.out.flushNow();
    this.socket.end();
  }

  private handleFrame(frame: Frame): void {
    if (frame.type === FrameType.HEARTBEAT) {
      if (frame.channel !== 0) throw new AmqpProtocolError(ReplyCode.FRAME_ERROR, `heartbeat frame on channel ${frame.channel}`);
      return;
    }
    if (this.state === 'closing') return this.handleWhileClosing(frame);
    if (this.state === 'handshake') return this.handleHandshakeFrame(frame);
    if (frame.channel === 0) return this.handleConnectionFrame(frame);
    const channel = this.channels.get(frame.channel);
    if (channel) return channel.handleFrame(frame);
    this.openChannel(frame);
  }

  private handleHandshakeFrame(frame: Frame): void {
    const method = this.channelZeroMethod(frame);
    const done = this.handshake.handle(method);
    if (done === undefined) return;
    if ('error' in done) return done.hangUp ? this.hangUp() : this.connectionError(done.error, done.unattributed ? undefined : method);
    this.vhost = done.vhost;
    this.username = done.username;
    this.reader.frameMax = done.frameMax;
    this.out.frames.frameMax = done.frameMax;
    this.cancelNotify = clientHasCapability(done.clientProperties, 'consumer_cancel_notify');
    this.blockedCapable = clientHasCapability(done.clientProperties, 'connection.blocked');
    this.channelMax = done.channelMax;
    this.state = 'running';
    this.handshake.cancel();
    this.startHeartbeats(done.heartbeat);
    if (this.blockedReason !== undefined && this.blockedCapable) {
      this.sendMethod(0, { id: MethodId.ConnectionBlocked, args: { reason: this.blockedReason } });
    }
  }

  private handleConnectionFrame(frame: Frame): void {
    const method = this.channelZeroMethod(frame);
    switch (method.id) {
      case MethodId.ConnectionClose:
        // Input stops here; channels finish closing (their close-ok go out first), then close-ok and hang up.
        this.state = 'closed';
        this.teardownChannels();
        void Promise.all(this.closingSessions).then(() => {
          this.sendMethod(0, { id: MethodId.ConnectionCloseOk, args: {} });
          this.out.flushNow();
          this.socket.end();
        });
        return;
      default:
        throw new AmqpProtocolError(ReplyCode.COMMAND_INVALID, `unexpected method '${methodName(method.id)}' on channel 0`);
    }
  }

  private handleWhileClosing(frame: Frame): void {
    if (frame.channel !== 0 || frame.type !== FrameType.METHOD) return;
    const method = readMethod(new ByteReader(frame.payload));
    if (method.id === MethodId.ConnectionClose) this.sendMethod(0, { id: MethodId.ConnectionCloseOk, args: {} });
    if (method.id === MethodId.ConnectionClose || method.id === MethodId.ConnectionCloseOk) {
      this.state = 'closed';
      this.out.flushNow();
      this.socket.end();
    }
  }

  /** A frame on a channel that is not open: only channel.open is allowed there. */
  private openChannel(frame: Frame): void {
    const method = frame.type === FrameType.METHOD ? readMethod(new ByteReader(frame.payload)) : undefined;
    if (method?.id !== MethodId.ChannelOpen) {
      throw new AmqpProtocolError(ReplyCode.CHANNEL_ERROR, `expected 'channel.open' on channel ${frame.channel}`);
    }
    if (frame.channel > this.channelMax) {
      throw new AmqpProtocolError(ReplyCode.CHANNEL_ERROR, `channel ${frame.channel} is above the negotiated channel_max ${this.channelMax}`);
    }
    const session = this.queues.openSession(this.vhost, this.id);
    this.channels.set(frame.channel, new AmqpChannel(frame.channel, this, session));
    this.sendMethod(frame.channel, { id: MethodId.ChannelOpenOk, args: { channelId: Buffer.alloc(0) } });
  }

  private channelZeroMethod(frame: Frame): AmqpMethod {
    if (frame.channel !== 0) throw new AmqpProtocolError(ReplyCode.CHANNEL_ERROR, `frame on channel ${frame.channel} before the connection is open`);
    if (frame.type !== FrameType.METHOD) throw new AmqpProtocolError(ReplyCode.UNEXPECTED_FRAME, 'expected method frame on channel 0');
    return readMethod(new ByteReader(frame.payload));
  }

  private sendMethod(channel: number, method: AmqpMethod): void {
    this.out.frames.method(channel, method);
    this.out.schedule();
  }

  private setPaused(paused: boolean): void {
    for (const channel of this.channels.values()) {
      if (paused) channel.session.pause();
      else channel.session.resume();
    }
  }

  /**
   * Sends a heartbeat when nothing else went out for half the interval; drops a peer silent for two
   * intervals (not counting time during which we ourselves stopped reading from it).
   */
  private startHeartbeats(seconds: number): void {
    if (seconds <= 0) return;
    const intervalMs = (seconds * 1000) / 2;
    this.heartbeatTimer = setInterval(() => {
      const now = Date.now();
      if (this.readGate.paused) this.lastRead = now;
      if (now - this.lastRead > seconds * 2000) {
        this.socket.destroy();
        return;
      }
      if (now - this.out.lastWrite >= intervalMs) {
        this.out.frames.heartbeat();
        this.out.flushNow();
      }
    }, intervalMs);
    this.heartbeatTimer.unref();
  }

  private teardownChannels(): void {
    for (const channel of this.channels.values()) channel.teardown();
    this.channels.clear();
  }

  private onSocketClosed(): void {
    this.state = 'closed';
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.closeTimer);
    this.handshake.cancel();
    this.teardownChannels();
    for (const flow of this.flowWaits) flow.unwait(this);
    this.flowWaits.clear();
    // The core deletes exclusive queues once every session of the connection is closed.
    void Promise.all(this.closingSessions)
      .then(() => this.queues.closeConnection(this.id))
      .catch(() => undefined)
      .then(() => {
        this.onClosed(this);
        this.resolveClosed();
      });
  }
}
