import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { SaslFailure, type SaslExchange, type SaslUser } from './mechanism.js';

const ITERATIONS = 4096;

/** A user's SCRAM-SHA-256 verifier (RFC 5802/7677): salt, iterations, stored and server keys. */
export interface ScramCredential {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

const hmac = (key: Buffer, text: string | Buffer): Buffer => createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

/** Derives the verifier of a password (with a fresh random salt unless one is given). */
export function scramCredential(password: string, salt: Buffer = randomBytes(16)): ScramCredential {
  const salted = pbkdf2Sync(password, salt, ITERATIONS, 32, 'sha256');
  return { salt, iterations: ITERATIONS, storedKey: sha256(hmac(salted, 'Client Key')), serverKey: hmac(salted, 'Server Key') };
}

/** Parses `a=1,b=2` SCRAM attributes. */
function attributes(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) map.set(part[0], part.slice(2));
  }
  return map;
}

/** Decodes a SCRAM username (`=2C` is a comma, `=3D` an equals sign). */
function scramName(text: string): string {
  return text.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

/**
 * A SCRAM-SHA-256 server exchange: client-first, server-first, client-final, server-final.
 * `serverNonce` makes the server's part of the nonce (random by default).
 */
export function scramExchange(
  credentials: ReadonlyMap<string, ScramCredential>,
  serverNonce: () => string = () => randomBytes(18).toString('base64'),
): SaslExchange {
  let expect: 'first' | 'final' | 'done' = 'first';
  let clientFirstBare = '';
  let serverFirst = '';
  let nonce = '';
  let credential: ScramCredential | undefined;
  return {
    step(token) {
      const text = token.toString('utf8');
      if (expect === 'first') {
        const gs2 = /^([ny]|p=[^,]*),([^,]*),(.*)$/.exec(text);
        if (!gs2) throw new SaslFailure('malformed SCRAM client-first message');
        if (gs2[1].startsWith('p')) throw new SaslFailure('channel binding is not supported');
        clientFirstBare = gs2[3];
        const attrs = attributes(clientFirstBare);
        const user = attrs.get('n');
        const clientNonce = attrs.get('r');
        if (user === undefined || clientNonce === undefined) throw new SaslFailure('malformed SCRAM client-first message');
        credential = credentials.get(scramName(user));
        if (credential === undefined) throw new SaslFailure('Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256');
        nonce = clientNonce + serverNonce();
        serverFirst = `r=${nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`;
        expect = 'final';
        return { response: Buffer.from(serverFirst), done: false };
      }
      if (expect === 'final' && credential !== undefined) {
        expect = 'done';
        const proofAt = text.lastIndexOf(',p=');
        if (proofAt < 0) throw new SaslFailure('malformed SCRAM client-final message');
        const withoutProof = text.slice(0, proofAt);
        const attrs = attributes(withoutProof);
        // librdkafka repeats its own nonce before the combined one; Kafka accepts any nonce ending in the server's.
        if (!(attrs.get('r') ?? '').endsWith(nonce)) throw new SaslFailure('SCRAM nonce mismatch');
        const proof = Buffer.from(text.slice(proofAt + 3), 'base64');
        const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
        const signature = hmac(credential.storedKey, authMessage);
        if (proof.length !== signature.length) throw new SaslFailure('Authentication failed: invalid credentials');
        const clientKey = Buffer.from(proof.map((b, i) => b ^ signature[i]));
        if (!timingSafeEqual(sha256(clientKey), credential.storedKey)) throw new SaslFailure('Authentication failed: invalid credentials');
        const verifier = hmac(credential.serverKey, authMessage).toString('base64');
        return { response: Buffer.from(`v=${verifier}`), done: true };
      }
      throw new SaslFailure('unexpected SCRAM message');
    },
  };
}
