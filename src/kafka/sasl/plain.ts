import { timingSafeEqual } from 'node:crypto';
import { SaslFailure, type SaslExchange, type SaslUser } from './mechanism.js';

/** SASL PLAIN (RFC 4616): one token `authzid NUL authcid NUL password`, checked against the users. */
export function plainExchange(users: readonly SaslUser[]): SaslExchange {
  return {
    step(token) {
      const parts = token.toString('utf8').split('\u0000');
      if (parts.length !== 3) throw new SaslFailure('malformed PLAIN token');
      const [authzid, username, password] = parts;
      if (authzid !== '' && authzid !== username) throw new SaslFailure('authorization id differs from the user');
      const user = users.find((u) => u.username === username);
      const given = Buffer.from(password, 'utf8');
      const expected = Buffer.from(user?.password ?? '', 'utf8');
      if (user === undefined || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new SaslFailure('Authentication failed: Invalid username or password');
      }
      return { response: Buffer.alloc(0), done: true };
    },
  };
}
