import { isIP } from 'node:net';
import type { QueueBroker } from '../core/queues/index.js';
import { ReplyCode } from './codec/errors.js';
import { MethodId, type AmqpMethod } from './codec/generated/methods.js';
import type { FieldTable } from './codec/field-table.js';
import { replyText, type CloseReason } from './close-reason.js';
import type { Outbound } from './outbound.js';
import { parseSaslResponse, SASL_MECHANISMS, type Credentials } from './sasl.js';
import { clientHasCapability, serverProperties } from './server-properties.js';

/** The protocol header of AMQP 0-9-1, also sent back to a client that asks for another version. */
const PROTOCOL_HEADER = Buffer.from('AMQP\x00\x00\x09\x01', 'latin1');

/** A client must finish the handshake within this time (RabbitMQ's default handshake_timeout). */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** The smallest frame_max a peer may ask for. */
const FRAME_MIN_SIZE = 4096;

/** Server-side limits and accounts offered during the handshake. */
export interface HandshakeSettings {
  users: Credentials[];
  /** Users that may only connect from a loopback address (RabbitMQ's loopback_users, default guest). */
  loopbackUsers: string[];
  frameMax: number;
  channelMax: number;
  heartbeat: number;
  clusterName: string;
}

/**
 * A failed handshake: the connection.close to send, or with `hangUp` none at all (the socket is simply
 * closed, for a client that cannot take a close at this point).
 */
export interface HandshakeFailure {
  error: CloseReason;
  hangUp?: boolean;
  /** The close names no method (class and method ids 0), as RabbitMQ's refused login does. */
  unattributed?: boolean;
}

/** The outcome of a completed handshake. */
export interface OpenedConnection {
  vhost: string;
  /** The authenticated user. */
  username: string;
  frameMax: number;
  channelMax: number;
  heartbeat: number;
  clientProperties: FieldTable;
}

function isLoopback(address: string): boolean {
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  return plain === '::1' || (isIP(plain) === 4 && plain.startsWith('127.'));
}

/**
 * The connection handshake: protocol header, start/start-ok (SASL PLAIN or AMQPLAIN), tune/tune-ok,
 * open/open-ok (vhost check). Each step answers a method; failures are returned as connection closes.
 */
export class Handshake {
  /** True once a valid protocol header arrived. */
  headerSeen = false;
  /** The header to answer a version mismatch with. */
  readonly protocolHeader = PROTOCOL_HEADER;
  private step: 'start-ok' | 'tune-ok' | 'open' | 'done' = 'start-ok';
  private clientProperties: FieldTable = {};
  private username = '';
  private tuned = { frameMax: 0, channelMax: 0, heartbeat: 0 };
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly settings: HandshakeSettings,
    private readonly remoteAddress: string,
    private readonly out: Outbound,
    private readonly queues: QueueBroker,
    onTimeout: () => void,
  ) {
    this.timer = setTimeout(onTimeout, HANDSHAKE_TIMEOUT_MS);
    this.timer.unref();
  }

  /** Checks the protocol header; on success sends connection.start. */
  acceptHeader(header: Buffer): boolean {
    if (!header.equals(PROTOCOL_HEADER)) return false;
    this.headerSeen = true;
    this.send({
      id: MethodId.ConnectionStart,
      args: {
        versionMajor: 0,
        versionMinor: 9,
        serverProperties: serverProperties(this.settings.clusterName),
        mechanisms: Buffer.from(SASL_MECHANISMS.join(' ')),
        locales: Buffer.from('en_US'),
      },
    });
    return true;
  }

  /** Handles the next handshake method: undefined while in progress, the result or error at the end. */
  handle(method: AmqpMethod): OpenedConnection | HandshakeFailure | undefined {
    switch (this.step) {
      case 'start-ok':
        if (method.id !== MethodId.ConnectionStartOk) return this.unexpected('connection.start-ok');
        return this.authenticate(method.args.mechanism, method.args.response, method.args.clientProperties);
      case 'tune-ok':
        if (method.id !== MethodId.ConnectionTuneOk) return this.unexpected('connection.tune-ok');
        return this.tune(method.args.frameMax, method.args.channelMax, method.args.heartbeat);
      case 'open':
        if (method.id !== MethodId.ConnectionOpen) return this.unexpected('connection.open');
        return this.open(method.args.virtualHost);
      case 'done':
        return this.unexpected('nothing');
    }
  }

  /** Stops the handshake timer. */
  cancel(): void {
    clearTimeout(this.timer);
  }

  /**
   * Checks start-ok. As the spec requires, a mechanism we did not offer gets no reply but a closed socket.
   * Refused credentials get connection.close only from clients announcing `authentication_failure_close`
   * (as RabbitMQ does); other clients expect the socket to be closed.
   */
  private authenticate(mechanism: string, response: Buffer, clientProperties: FieldTable): HandshakeFailure | undefined {
    this.clientProperties = clientProperties;
    if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
      return { ...refuse(`unsupported authentication mechanism '${mechanism}'; supported: ${SASL_MECHANISMS.join(', ')}`), hangUp: true };
    }
    const hangUp = !clientHasCapability(clientProperties, 'authentication_failure_close');
    const credentials = parseSaslResponse(mechanism, response);
    const user = credentials && this.settings.users.find((u) => u.username === credentials.username && u.password === credentials.password);
    if (!credentials || !user) {
      return { ...refuse(`Login was refused using authentication mechanism ${mechanism}. For details see the broker logfile.`), hangUp };
    }
    if (this.settings.loopbackUsers.includes(user.username) && !isLoopback(this.remoteAddress)) {
      return { ...refuse(`user '${user.username}' can only connect via localhost`), hangUp };
    }
    this.username = user.username;
    this.step = 'tune-ok';
    this.send({ id: MethodId.ConnectionTune, args: { channelMax: this.settings.channelMax, frameMax: this.settings.frameMax, heartbeat: this.settings.heartbeat } });
    return undefined;
  }

  private tune(frameMax: number, channelMax: number, heartbeat: number): { error: CloseReason } | undefined {
    const { settings } = this;
    const refused = negotiationError('frame_max', frameMax, FRAME_MIN_SIZE, settings.frameMax) ?? negotiationError('channel_max', channelMax, 0, settings.channelMax);
    if (refused !== undefined) return notAllowed(refused);
    this.tuned = { frameMax: frameMax || settings.frameMax, channelMax: channelMax || settings.channelMax, heartbeat };
    this.step = 'open';
    return undefined;
  }

  private open(vhost: string): OpenedConnection | { error: CloseReason } {
    if (!this.queues.hasVhost(vhost)) return notAllowed(`vhost ${vhost} not found`);
    this.step = 'done';
    this.send({ id: MethodId.ConnectionOpenOk, args: { knownHosts: '' } });
    return { vhost, username: this.username, ...this.tuned, clientProperties: this.clientProperties };
  }

  private unexpected(expected: string): { error: CloseReason } {
    return { error: { scope: 'connection', code: ReplyCode.COMMAND_INVALID, text: replyText(ReplyCode.COMMAND_INVALID, `expected '${expected}' during the handshake`) } };
  }

  private send(method: AmqpMethod): void {
    this.out.frames.method(0, method);
    this.out.schedule();
  }
}

/**
 * Why a tune-ok value is refused, as RabbitMQ words it: below the minimum, or above the server's limit,
 * where 0 (no limit) is above any limit the server offered.
 */
function negotiationError(field: string, value: number, min: number, max: number): string | undefined {
  if (value !== 0 && value < min) return `negotiated ${field} = ${value} is lower than the minimum allowed value (${min})`;
  if (max !== 0 && (value === 0 || value > max)) return `negotiated ${field} = ${value === 0 ? '0 (no limit)' : value} is higher than the maximum allowed value (${max})`;
  return undefined;
}

function refuse(message: string): HandshakeFailure {
  return { error: { scope: 'connection', code: ReplyCode.ACCESS_REFUSED, text: replyText(ReplyCode.ACCESS_REFUSED, message) }, unattributed: true };
}

function notAllowed(message: string): { error: CloseReason } {
  return { error: { scope: 'connection', code: ReplyCode.NOT_ALLOWED, text: replyText(ReplyCode.NOT_ALLOWED, message) } };
}
