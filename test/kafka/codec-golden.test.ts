// Golden fixtures: recorded bytes of every served message version decode to the recorded value and
// re-encode to the same bytes. A few fixtures are checked by hand against the Kafka protocol guide.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fromGoldenJson } from './support/golden-json.js';
import { project } from './support/message-arbitrary.js';
import { MESSAGE_SCHEMAS, decodeWith, encodeWith, loadCodec } from './support/message-schemas.js';
import { writeMetadataRequest, sizeOfMetadataRequest } from '../../src/kafka/codec/generated/metadata-request.js';
import { readRequestHeader } from '../../src/kafka/codec/generated/request-header.js';
import { writeApiVersionsResponse, sizeOfApiVersionsResponse } from '../../src/kafka/codec/generated/api-versions-response.js';
import { KafkaReader } from '../../src/kafka/codec/reader.js';
import { KafkaWriter } from '../../src/kafka/codec/writer.js';

type Golden = Record<string, { hex: string; value: Record<string, unknown> }>;

test('golden fixtures decode and re-encode byte for byte', async () => {
  for (const schema of MESSAGE_SCHEMAS) {
    const codec = await loadCodec(schema.name);
    const golden = fromGoldenJson(readFileSync(new URL(`./fixtures/golden/${schema.name}.json`, import.meta.url), 'utf8')) as Golden;
    for (let version = schema.served.min; version <= schema.served.max; version++) {
      const entry = golden[`v${version}`];
      assert.ok(entry, `${schema.name} v${version} has a fixture`);
      const bytes = Buffer.from(entry.hex, 'hex');
      const decoded = decodeWith(codec, bytes, version) as Record<string, unknown>;
      assert.deepStrictEqual(project(schema, schema.fields, decoded, version), project(schema, schema.fields, entry.value, version), `${schema.name} v${version}`);
      assert.equal(encodeWith(codec, entry.value, version).toString('hex'), entry.hex, `${schema.name} v${version}`);
    }
  }
});

function encode<T>(sizeOf: (v: T, version: number) => number, write: (w: KafkaWriter, v: T, version: number) => void, value: T, version: number): string {
  const w = new KafkaWriter(sizeOf(value, version));
  write(w, value, version);
  return w.finish().toString('hex');
}

test('Metadata v0 request is an int32 array of int16-prefixed names (protocol guide)', () => {
  assert.equal(encode(sizeOfMetadataRequest, writeMetadataRequest, { topics: [{ name: 'ab' }] }, 0), '00000001' + '0002' + '6162');
});

test('Metadata v9 request uses compact arrays, compact strings and tagged-field sections', () => {
  const hex = encode(sizeOfMetadataRequest, writeMetadataRequest, { topics: [{ topicId: '00'.repeat(16), name: 'ab' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false }, 9);
  // topics: uvarint(1+1); topic: compact string "ab" = uvarint(3) 'a' 'b', no tags; then the three
  // v9 booleans (auto-create, cluster and topic authorized operations), no tags.
  assert.equal(hex, '02' + '03' + '6162' + '00' + '01' + '00' + '00' + '00');
});

test('request header v2 keeps the client id as a classic int16 string, then a tag section', () => {
  const bytes = Buffer.from('0012' + '0003' + '0000002a' + '0003' + '636c69' + '00', 'hex');
  const header = readRequestHeader(new KafkaReader(bytes), 2);
  assert.deepEqual(header, { requestApiKey: 18, requestApiVersion: 3, correlationId: 42, clientId: 'cli' });
});

test('ApiVersions v3 response writes its tagged fields only when set', () => {
  const base = { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }], throttleTimeMs: 0 };
  assert.equal(encode(sizeOfApiVersionsResponse, writeApiVersionsResponse, base, 3), '0000' + '02' + '0012' + '0000' + '0004' + '00' + '00000000' + '00');
  const withEpoch = encode(sizeOfApiVersionsResponse, writeApiVersionsResponse, { ...base, finalizedFeaturesEpoch: 5n }, 3);
  // one tagged field: tag 1, size 8, int64 5
  assert.equal(withEpoch.slice(-22), '01' + '01' + '08' + '0000000000000005');
});
