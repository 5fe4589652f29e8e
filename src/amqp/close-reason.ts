import { BrokerError } from '../core/errors.js';
import { AmqpProtocolError, ReplyCode, replyCodeName } from './codec/errors.js';

/** What an error closes (channel or connection), with the reply code and text to close it with. */
export interface CloseReason {
  scope: 'channel' | 'connection';
  code: number;
  text: string;
}

/** Soft errors close only the channel; every other code closes the connection (AMQP 0-9-1 §1.2). */
const CHANNEL_CODES = new Set<number>([
  ReplyCode.CONTENT_TOO_LARGE,
  ReplyCode.NO_ROUTE,
  ReplyCode.ACCESS_REFUSED,
  ReplyCode.NOT_FOUND,
  ReplyCode.RESOURCE_LOCKED,
  ReplyCode.PRECONDITION_FAILED,
]);

/** A reply text as RabbitMQ writes it ("NOT_FOUND - no queue 'x' in vhost '/'"), cut to fit a short string. */
export function replyText(code: number, message: string): string {
  const prefix = `${replyCodeName(code)} - `;
  let text = message.startsWith(prefix) ? message : prefix + message;
  while (Buffer.byteLength(text) > 255) text = text.slice(0, -1);
  return text;
}

/** Maps anything a handler threw to the AMQP close it causes. Unknown errors are logged and are 541 INTERNAL_ERROR. */
export function closeReasonOf(error: unknown): CloseReason {
  if (error instanceof AmqpProtocolError) {
    return { scope: CHANNEL_CODES.has(error.replyCode) ? 'channel' : 'connection', code: error.replyCode, text: replyText(error.replyCode, error.message) };
  }
  if (error instanceof BrokerError) {
    const code = error.spec.amqp ?? ReplyCode.INTERNAL_ERROR;
    const scope = error.spec.amqpScope ?? (CHANNEL_CODES.has(code) ? 'channel' : 'connection');
    return { scope, code, text: replyText(code, error.message) };
  }
  // Clients only see "internal error": the cause goes to the log, as RabbitMQ logs a crashed channel.
  console.error('switchyard: internal error in an AMQP handler:', error);
  return { scope: 'connection', code: ReplyCode.INTERNAL_ERROR, text: replyText(ReplyCode.INTERNAL_ERROR, 'internal error') };
}
