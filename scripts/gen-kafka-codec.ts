/**
 * Generates the Kafka message codecs in src/kafka/codec/generated/ from the Kafka message schemas
 * (../shared/specs/kafka-messages/*.json). One file per request and response of each API the broker
 * serves, plus the request and response headers and a table of API keys and versions.
 *
 * Usage: node --import tsx scripts/gen-kafka-codec.ts [--check]
 *   --check regenerates in memory and exits 1 if any committed file differs.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Range, FieldSpec, MessageSpec, parseRange, isEmpty, loadSpec, kebab } from './kafka-codegen/schema.js';
import { HEADER, MessageGenerator } from './kafka-codegen/message-generator.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SPEC_DIR = resolve(ROOT, '../shared/specs/kafka-messages');
const OUT_DIR = join(ROOT, 'src/kafka/codec/generated');
/** The served schemas, comments stripped, for tests that must run without the spec directory. */
const SCHEMA_FIXTURE = join(ROOT, 'test/kafka/fixtures/message-schemas.json');

/** The APIs the broker serves, by schema name (without Request/Response). */
const APIS = [
  'Produce', 'Fetch', 'ListOffsets', 'Metadata', 'OffsetCommit', 'OffsetFetch', 'FindCoordinator', 'JoinGroup',
  'Heartbeat', 'LeaveGroup', 'SyncGroup', 'DescribeGroups', 'ListGroups', 'SaslHandshake', 'ApiVersions',
  'CreateTopics', 'DeleteTopics', 'DeleteRecords', 'InitProducerId', 'OffsetForLeaderEpoch', 'AddPartitionsToTxn',
  'AddOffsetsToTxn', 'EndTxn', 'TxnOffsetCommit', 'DescribeConfigs', 'AlterConfigs', 'SaslAuthenticate',
  'CreatePartitions', 'DeleteGroups', 'IncrementalAlterConfigs', 'OffsetDelete', 'DescribeCluster',
];


/** The versions a current client may send: the valid range, minus an unreleased latest version. */
function servedVersions(request: MessageSpec): Range {
  const r = parseRange(request.validVersions);
  return request.latestVersionUnstable ? { min: r.min, max: r.max - 1 } : r;
}

/** A field without its documentation, as the schema fixture keeps it. */
function trimField(f: FieldSpec): FieldSpec {
  const { name, type, versions, nullableVersions, taggedVersions, flexibleVersions, tag, fields } = f;
  return { name, type, versions, nullableVersions, taggedVersions, flexibleVersions, tag, default: f.default, fields: fields?.map(trimField) };
}

/** A message schema reduced to what encoding needs, with the versions the codec serves. */
function trimSpec(spec: MessageSpec, served: Range): object {
  const commonStructs = spec.commonStructs?.map((c) => ({ name: c.name, fields: c.fields.map(trimField) }));
  return { name: spec.name, flexibleVersions: spec.flexibleVersions, served, fields: spec.fields.map(trimField), commonStructs };
}

/** Generated files by absolute path. */
function generateAll(): Map<string, string> {
  const files = new Map<string, string>();
  const schemas: object[] = [];
  const table: string[] = [];
  for (const header of ['RequestHeader', 'ResponseHeader']) {
    const spec = loadSpec(SPEC_DIR, header);
    files.set(join(OUT_DIR, `${kebab(header)}.ts`), new MessageGenerator(spec, parseRange(spec.validVersions)).generate());
    schemas.push(trimSpec(spec, parseRange(spec.validVersions)));
  }
  for (const api of APIS) {
    const request = loadSpec(SPEC_DIR, `${api}Request`);
    const response = loadSpec(SPEC_DIR, `${api}Response`);
    const versions = servedVersions(request);
    for (const spec of [request, response]) {
      files.set(join(OUT_DIR, `${kebab(spec.name)}.ts`), new MessageGenerator(spec, versions).generate());
      schemas.push(trimSpec(spec, versions));
    }
    const flexible = parseRange(request.flexibleVersions);
    table.push(`  ${api}: { apiKey: ${request.apiKey}, minVersion: ${versions.min}, maxVersion: ${versions.max}, firstFlexibleVersion: ${isEmpty(flexible) ? 'null' : flexible.min} },`);
  }
  files.set(SCHEMA_FIXTURE, `${JSON.stringify(schemas)}\n`);
  files.set(
    join(OUT_DIR, 'api-keys.ts'),
    `${HEADER}\n/** One Kafka API: its key, the versions the codecs handle, and where flexible encoding starts. */\nexport interface ApiInfo {\n  readonly apiKey: number;\n  readonly minVersion: number;\n  readonly maxVersion: number;\n  readonly firstFlexibleVersion: number | null;\n}\n\n/** Every API the codecs cover, by name. */\nexport const KAFKA_APIS = {\n${table.join('\n')}\n} as const satisfies Record<string, ApiInfo>;\n\n/** The name of an API the codecs cover. */\nexport type ApiName = keyof typeof KAFKA_APIS;\n`,
  );
  return files;
}

function main(): void {
  const check = process.argv.includes('--check');
  if (!existsSync(SPEC_DIR)) {
    console.log(`gen-kafka-codec: ${SPEC_DIR} not found; nothing to ${check ? 'check' : 'generate'}`);
    return;
  }
  const files = generateAll();
  if (check) {
    const present = existsSync(OUT_DIR) ? readdirSync(OUT_DIR).map((name) => join(OUT_DIR, name)) : [];
    const stale = [...files].filter(([path, text]) => !existsSync(path) || readFileSync(path, 'utf8') !== text).map(([path]) => path);
    const extra = present.filter((path) => !files.has(path));
    if (stale.length + extra.length > 0) {
      console.error(`gen-kafka-codec: out of date: ${[...stale, ...extra].map((p) => relative(ROOT, p)).join(', ')}`);
      process.exit(1);
    }
    console.log(`gen-kafka-codec: ${files.size} files up to date`);
    return;
  }
  for (const [path, text] of files) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  console.log(`gen-kafka-codec: wrote ${files.size} files`);
}

main();
