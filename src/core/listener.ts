/** A network listener a protocol front-end started: where it is bound and how to stop it. */
export interface ProtocolListener {
  /** The protocol it speaks, e.g. 'amqp', 'kafka', 'http'. */
  readonly protocol: string;
  /** The bound address (the real port when 0 was asked for). */
  readonly address: { host: string; port: number };
  /** Stops accepting, closes client connections gracefully, resolves when all are gone. */
  close(): Promise<void>;
}
