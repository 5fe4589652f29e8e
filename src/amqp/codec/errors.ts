/** AMQP 0-9-1 reply codes the front-end sends itself (the broker core's errors map through src/core/errors.ts). */
export const ReplyCode = {
  SUCCESS: 200,
  CONTENT_TOO_LARGE: 311,
  NO_ROUTE: 312,
  CONNECTION_FORCED: 320,
  ACCESS_REFUSED: 403,
  NOT_FOUND: 404,
  RESOURCE_LOCKED: 405,
  PRECONDITION_FAILED: 406,
  FRAME_ERROR: 501,
  SYNTAX_ERROR: 502,
  COMMAND_INVALID: 503,
  CHANNEL_ERROR: 504,
  UNEXPECTED_FRAME: 505,
  RESOURCE_ERROR: 506,
  NOT_ALLOWED: 530,
  NOT_IMPLEMENTED: 540,
  INTERNAL_ERROR: 541,
} as const;

/** The RabbitMQ-style name of a reply code, as it prefixes reply texts ("NOT_FOUND - ..."). */
export function replyCodeName(code: number): string {
  for (const [name, value] of Object.entries(ReplyCode)) if (value === code) return name;
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
