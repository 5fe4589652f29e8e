// Fuzzes the request decoder: valid requests of every served API and version, mutated in their
// lengths, counts, varints and record bytes, must decode or fail with KafkaProtocolError only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { KafkaProtocolError } from '../../src/kafka/codec/protocol-error.js';
import { messageArbitrary } from './support/message-arbitrary.js';
import { MESSAGE_SCHEMAS, decodeWith, encodeWith, loadCodec } from './support/message-schemas.js';

/** A mutation of a valid encoding: overwrite, flip, truncate or extend. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.constantFrom(0x00, 0x7f, 0x80, 0xff, 0x01, 0xfe) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), byte: fc.constant(0) }),
  fc.record({ kind: fc.constant('append' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
);

function mutate(bytes: Buffer, mutations: { kind: string; at: number; byte: number }[]): Buffer {
  let out = Buffer.from(bytes);
  for (const m of mutations) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    if (m.kind === 'set') out[at] = m.byte;
    else if (m.kind === 'flip') out[at] ^= m.byte;
    else if (m.kind === 'truncate') out = out.subarray(0, at);
    else out = Buffer.concat([out, Buffer.from([m.byte])]);
  }
  return out;
}

test('mutated requests only ever raise KafkaProtocolError', async () => {
  const requests = MESSAGE_SCHEMAS.filter((s) => s.name.endsWith('Request'));
  for (const schema of requests) {
    const codec = await loadCodec(schema.name);
    for (let version = schema.served.min; version <= schema.served.max; version++) {
      fc.assert(
        fc.property(messageArbitrary(schema, version), fc.array(mutation, { minLength: 1, maxLength: 4 }), (value, mutations) => {
          const bytes = mutate(encodeWith(codec, value, version), mutations);
          try {
            decodeWith(codec, bytes, version);
          } catch (err) {
            assert.ok(err instanceof KafkaProtocolError, `${schema.name} v${version}: ${String(err)}`);
          }
        }),
        { numRuns: 40 },
      );
    }
  }
});

test('random bytes only ever raise KafkaProtocolError', async () => {
  const requests = MESSAGE_SCHEMAS.filter((s) => s.name.endsWith('Request'));
  const codecs = await Promise.all(requests.map((s) => loadCodec(s.name)));
  fc.assert(
    fc.property(fc.nat({ max: requests.length - 1 }), fc.nat({ max: 20 }), fc.uint8Array({ maxLength: 64 }), (i, v, bytes) => {
      const version = requests[i].served.min + (v % (requests[i].served.max - requests[i].served.min + 1));
      try {
        decodeWith(codecs[i], Buffer.from(bytes), version);
      } catch (err) {
        assert.ok(err instanceof KafkaProtocolError, String(err));
      }
    }),
    { numRuns: 3000 },
  );
});
