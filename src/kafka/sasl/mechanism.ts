/** A user the listener accepts, with a clear-text password (kept only in memory). */
export interface SaslUser {
  username: string;
  password: string;
}

/** One step of a SASL exchange: the server's answer and whether the exchange is complete. */
export interface SaslStep {
  response: Buffer;
  done: boolean;
}

/** A server-side SASL exchange in progress; `step` throws SaslFailure when authentication fails. */
export interface SaslExchange {
  step(token: Buffer): SaslStep;
}

/** Authentication failed; the message is safe to send to the client. */
export class SaslFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SaslFailure';
  }
}
