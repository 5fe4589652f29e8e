/**
 * The one registry of broker errors. Each entry names a failure once and carries what each protocol
 * says for it: the Kafka error code and the AMQP reply code (with whether AMQP closes the channel or
 * the whole connection). Front-ends translate a BrokerError into their wire form from this table.
 */

/** How an error maps onto each wire protocol. */
export interface ErrorSpec {
  /** Kafka error code (see the Kafka protocol guide), or undefined when Kafka has no equivalent. */
  readonly kafka?: number;
  /** AMQP 0-9-1 reply code, or undefined when AMQP has no equivalent. */
  readonly amqp?: number;
  /** For AMQP: 'channel' errors close the channel, 'connection' errors close the connection. */
  readonly amqpScope?: 'channel' | 'connection';
}

/** Every error the broker core raises, by name. */
export const ERRORS = {
  UNKNOWN_SERVER_ERROR: { kafka: -1, amqp: 541, amqpScope: 'connection' },
  NOT_FOUND: { kafka: 3, amqp: 404, amqpScope: 'channel' },
  PRECONDITION_FAILED: { amqp: 406, amqpScope: 'channel' },
  ACCESS_REFUSED: { kafka: 29, amqp: 403, amqpScope: 'channel' },
  RESOURCE_LOCKED: { amqp: 405, amqpScope: 'channel' },
  NO_ROUTE: { amqp: 312 },
  CONTENT_TOO_LARGE: { kafka: 10, amqp: 311 },
  CONNECTION_FORCED: { amqp: 320, amqpScope: 'connection' },
  INVALID_PATH: { amqp: 402, amqpScope: 'connection' },
  FRAME_ERROR: { amqp: 501, amqpScope: 'connection' },
  SYNTAX_ERROR: { amqp: 502, amqpScope: 'connection' },
  COMMAND_INVALID: { amqp: 503, amqpScope: 'connection' },
  CHANNEL_ERROR: { amqp: 504, amqpScope: 'connection' },
  UNEXPECTED_FRAME: { amqp: 505, amqpScope: 'connection' },
  RESOURCE_ERROR: { amqp: 506, amqpScope: 'connection' },
  NOT_ALLOWED: { amqp: 530, amqpScope: 'connection' },
  NOT_IMPLEMENTED: { kafka: 35, amqp: 540, amqpScope: 'connection' },
  INTERNAL_ERROR: { kafka: -1, amqp: 541, amqpScope: 'connection' },
  OFFSET_OUT_OF_RANGE: { kafka: 1 },
  CORRUPT_MESSAGE: { kafka: 2 },
  UNKNOWN_TOPIC_OR_PARTITION: { kafka: 3, amqp: 404, amqpScope: 'channel' },
  INVALID_FETCH_SIZE: { kafka: 4 },
  LEADER_NOT_AVAILABLE: { kafka: 5 },
  NOT_LEADER_OR_FOLLOWER: { kafka: 6 },
  REQUEST_TIMED_OUT: { kafka: 7 },
  MESSAGE_TOO_LARGE: { kafka: 10, amqp: 311 },
  COORDINATOR_LOAD_IN_PROGRESS: { kafka: 14 },
  COORDINATOR_NOT_AVAILABLE: { kafka: 15 },
  NOT_COORDINATOR: { kafka: 16 },
  INVALID_TOPIC_EXCEPTION: { kafka: 17, amqp: 402, amqpScope: 'connection' },
  RECORD_LIST_TOO_LARGE: { kafka: 18 },
  INVALID_REQUIRED_ACKS: { kafka: 21 },
  ILLEGAL_GENERATION: { kafka: 22 },
  INCONSISTENT_GROUP_PROTOCOL: { kafka: 23 },
  INVALID_GROUP_ID: { kafka: 24 },
  UNKNOWN_MEMBER_ID: { kafka: 25 },
  INVALID_SESSION_TIMEOUT: { kafka: 26 },
  REBALANCE_IN_PROGRESS: { kafka: 27 },
  INVALID_COMMIT_OFFSET_SIZE: { kafka: 28 },
  TOPIC_AUTHORIZATION_FAILED: { kafka: 29, amqp: 403, amqpScope: 'channel' },
  GROUP_AUTHORIZATION_FAILED: { kafka: 30 },
  INVALID_TIMESTAMP: { kafka: 32 },
  UNSUPPORTED_SASL_MECHANISM: { kafka: 33, amqp: 403, amqpScope: 'connection' },
  ILLEGAL_SASL_STATE: { kafka: 34 },
  UNSUPPORTED_VERSION: { kafka: 35 },
  TOPIC_ALREADY_EXISTS: { kafka: 36 },
  INVALID_PARTITIONS: { kafka: 37 },
  INVALID_REPLICATION_FACTOR: { kafka: 38 },
  INVALID_REQUEST: { kafka: 42, amqp: 502, amqpScope: 'connection' },
  UNSUPPORTED_FOR_MESSAGE_FORMAT: { kafka: 43 },
  POLICY_VIOLATION: { kafka: 44 },
  OUT_OF_ORDER_SEQUENCE_NUMBER: { kafka: 45 },
  DUPLICATE_SEQUENCE_NUMBER: { kafka: 46 },
  INVALID_PRODUCER_EPOCH: { kafka: 47 },
  INVALID_TXN_STATE: { kafka: 48 },
  INVALID_PRODUCER_ID_MAPPING: { kafka: 49 },
  INVALID_TRANSACTION_TIMEOUT: { kafka: 50 },
  CONCURRENT_TRANSACTIONS: { kafka: 51 },
  TRANSACTION_COORDINATOR_FENCED: { kafka: 52 },
  INVALID_CONFIG: { kafka: 40, amqp: 406, amqpScope: 'channel' },
  SASL_AUTHENTICATION_FAILED: { kafka: 58, amqp: 403, amqpScope: 'connection' },
  UNKNOWN_PRODUCER_ID: { kafka: 59 },
  KAFKA_STORAGE_ERROR: { kafka: 56, amqp: 541, amqpScope: 'connection' },
  NON_EMPTY_GROUP: { kafka: 68 },
  GROUP_ID_NOT_FOUND: { kafka: 69 },
  FENCED_LEADER_EPOCH: { kafka: 74 },
  UNKNOWN_LEADER_EPOCH: { kafka: 75 },
  MEMBER_ID_REQUIRED: { kafka: 79 },
  GROUP_MAX_SIZE_REACHED: { kafka: 81 },
  FENCED_INSTANCE_ID: { kafka: 82 },
  GROUP_SUBSCRIBED_TO_TOPIC: { kafka: 86 },
  UNSTABLE_OFFSET_COMMIT: { kafka: 88 },
  THROTTLING_QUOTA_EXCEEDED: { kafka: 89 },
  PRODUCER_FENCED: { kafka: 90 },
  INVALID_RECORD: { kafka: 87 },
  UNKNOWN_TOPIC_ID: { kafka: 100 },
  TRANSACTIONAL_ID_NOT_FOUND: { kafka: 105 },
} as const satisfies Record<string, ErrorSpec>;

/** The name of a registered error. */
export type ErrorName = keyof typeof ERRORS;

/** An error raised by the broker core; front-ends map it to wire codes through ERRORS. */
export class BrokerError extends Error {
  constructor(
    readonly errorName: ErrorName,
    message: string,
  ) {
    super(message);
    this.name = 'BrokerError';
  }

  /** The protocol mapping of this error. */
  get spec(): ErrorSpec {
    return ERRORS[this.errorName];
  }
}
