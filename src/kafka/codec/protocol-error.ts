/** The only error the Kafka codecs throw: the bytes do not form a valid message. */
export class KafkaProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KafkaProtocolError';
  }
}
