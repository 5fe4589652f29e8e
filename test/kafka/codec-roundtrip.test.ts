// Property test: every served message, at every served version, survives encode then decode.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { messageArbitrary, project } from './support/message-arbitrary.js';
import { MESSAGE_SCHEMAS, decodeWith, encodeWith, loadCodec } from './support/message-schemas.js';

test('every message round-trips at every served version', async () => {
  for (const schema of MESSAGE_SCHEMAS) {
    const codec = await loadCodec(schema.name);
    for (let version = schema.served.min; version <= schema.served.max; version++) {
      fc.assert(
        fc.property(messageArbitrary(schema, version), (value) => {
          const bytes = encodeWith(codec, value, version);
          const decoded = decodeWith(codec, bytes, version) as Record<string, unknown>;
          assert.deepStrictEqual(project(schema, schema.fields, decoded, version), project(schema, schema.fields, value, version), `${schema.name} v${version}`);
          assert.deepStrictEqual(encodeWith(codec, decoded, version), bytes);
        }),
        { numRuns: 15 },
      );
    }
  }
});
