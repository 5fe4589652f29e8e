import { AmqpConstants } from './generated/constants.js';

/** AMQP 0-9-1 reply codes by name, as the spec defines them (the broker core's errors map through src/core/errors.ts). */
export const ReplyCode = AmqpConstants;

/** The spec constants that are frame types and sizes, not reply codes. */
const FRAME_LAYOUT = /^FRAME_(METHOD|HEADER|BODY|HEARTBEAT|MIN_SIZE|END)$/;

/** The RabbitMQ-style name of a reply code, as it prefixes reply texts ("NOT_FOUND - ..."). */
export function replyCodeName(code: number): string {
  for (const [name, value] of Object.entries(ReplyCode)) if (value === code && !FRAME_LAYOUT.test(name)) return name;
  return 'INTERNAL_ERROR';
}

/**
 * The only error the AMQP codec throws: a protocol violation with the reply code the connection
 * closes with (501 for undecodable frames unless a more precise code applies).
 */
export class AmqpProtocolError extends Error {
  constructor(
    readonly replyCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'AmqpProtocolError';
  }
}
