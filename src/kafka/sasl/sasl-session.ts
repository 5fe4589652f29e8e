import { plainExchange } from './plain.js';
import { scramCredential, scramExchange, type ScramCredential } from './scram.js';
import { SaslFailure, type SaslExchange, type SaslStep, type SaslUser } from './mechanism.js';

/** The SASL mechanisms the broker offers, in the order SaslHandshake lists them. */
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256'] as const;

/** The users of a listener with their SCRAM verifiers derived once. */
export class SaslUserDirectory {
  readonly scram: ReadonlyMap<string, ScramCredential>;

  constructor(readonly users: readonly SaslUser[]) {
    this.scram = new Map(users.map((u) => [u.username, scramCredential(u.password)]));
  }
}

/**
 * The authentication state of one connection: which mechanism the handshake chose, the exchange in
 * progress, and whether the client has authenticated. Until then only ApiVersions, SaslHandshake
 * and SaslAuthenticate are served.
 */
export class SaslSession {
  private exchange: SaslExchange | null = null;
  /** True once an exchange completed successfully. */
  authenticated = false;
  /** SaslHandshake v0 means the tokens that follow are raw frames, not SaslAuthenticate requests. */
  rawTokens = false;

  constructor(private readonly directory: SaslUserDirectory) {}

  /** Starts an exchange for `mechanism`; returns false when the mechanism is not offered. */
  handshake(mechanism: string, version: number): boolean {
    if (this.authenticated) throw new SaslFailure('already authenticated');
    if (mechanism === 'PLAIN') this.exchange = plainExchange(this.directory.users);
    else if (mechanism === 'SCRAM-SHA-256') this.exchange = scramExchange(this.directory.scram);
    else return false;
    this.rawTokens = version === 0;
    return true;
  }

  /** Whether a handshake chose a mechanism and its exchange is under way. */
  get inExchange(): boolean {
    return this.exchange !== null;
  }

  /** Feeds one client token; throws SaslFailure when authentication fails. */
  authenticate(token: Buffer): SaslStep {
    if (this.exchange === null) throw new SaslFailure('SaslAuthenticate before SaslHandshake');
    try {
      const step = this.exchange.step(token);
      if (step.done) {
        this.authenticated = true;
        this.exchange = null;
      }
      return step;
    } catch (err) {
      this.exchange = null;
      throw err;
    }
  }
}
