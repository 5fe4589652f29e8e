// The SASL mechanisms on their own: SCRAM-SHA-256 against the RFC 7677 example exchange, PLAIN
// tokens, and the session's state rules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SaslFailure } from '../../src/kafka/sasl/mechanism.js';
import { plainExchange } from '../../src/kafka/sasl/plain.js';
import { SaslSession, SaslUserDirectory } from '../../src/kafka/sasl/sasl-session.js';
import { scramCredential, scramExchange } from '../../src/kafka/sasl/scram.js';

// RFC 7677, section 3: user "user", password "pencil".
const RFC = {
  clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverNoncePart: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
  salt: 'W22ZaJ0SNY7soEsUEjb6gQ==',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

function rfcExchange(password = 'pencil') {
  const credentials = new Map([['user', scramCredential(password, Buffer.from(RFC.salt, 'base64'))]]);
  return scramExchange(credentials, () => RFC.serverNoncePart);
}

test('SCRAM-SHA-256 reproduces the RFC 7677 exchange', () => {
  const exchange = rfcExchange();
  const first = exchange.step(Buffer.from(RFC.clientFirst));
  assert.deepEqual([first.response.toString(), first.done], [RFC.serverFirst, false]);
  const final = exchange.step(Buffer.from(RFC.clientFinal));
  assert.deepEqual([final.response.toString(), final.done], [RFC.serverFinal, true]);
});

test('SCRAM-SHA-256 refuses a wrong proof, a wrong nonce and an unknown user', () => {
  const wrongPassword = rfcExchange('pen');
  wrongPassword.step(Buffer.from(RFC.clientFirst));
  assert.throws(() => wrongPassword.step(Buffer.from(RFC.clientFinal)), SaslFailure);
  const wrongNonce = rfcExchange();
  wrongNonce.step(Buffer.from(RFC.clientFirst));
  assert.throws(() => wrongNonce.step(Buffer.from(RFC.clientFinal.replace('hNlF', 'hNlG'))), SaslFailure);
  assert.throws(() => rfcExchange().step(Buffer.from('n,,n=mallory,r=abc')), SaslFailure);
  assert.throws(() => rfcExchange().step(Buffer.from('garbage')), SaslFailure);
});

test('PLAIN checks the user and password and refuses a different authorization id', () => {
  const users = [{ username: 'alice', password: 'secret' }];
  assert.equal(plainExchange(users).step(Buffer.from('\0alice\0secret')).done, true);
  assert.equal(plainExchange(users).step(Buffer.from('alice\0alice\0secret')).done, true);
  for (const token of ['\0alice\0wrong', '\0bob\0secret', 'eve\0alice\0secret', 'no-separators']) {
    assert.throws(() => plainExchange(users).step(Buffer.from(token)), SaslFailure, token);
  }
});

test('a session authenticates once, after a handshake for an offered mechanism', () => {
  const session = new SaslSession(new SaslUserDirectory([{ username: 'alice', password: 'secret' }]));
  assert.throws(() => session.authenticate(Buffer.from('\0alice\0secret')), SaslFailure, 'no handshake yet');
  assert.equal(session.handshake('GSSAPI', 1), false);
  assert.equal(session.handshake('PLAIN', 0), true);
  assert.equal(session.rawTokens, true, 'v0 handshakes are followed by bare tokens');
  session.authenticate(Buffer.from('\0alice\0secret'));
  assert.equal(session.authenticated, true);
  assert.throws(() => session.handshake('PLAIN', 1), SaslFailure);
});
