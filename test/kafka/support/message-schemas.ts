/**
 * The served Kafka message schemas (from test/kafka/fixtures/message-schemas.json, written by the
 * codec generator) and the generated codec functions of each message, looked up by name.
 */
import { readFileSync } from 'node:fs';
import { KafkaReader } from '../../../src/kafka/codec/reader.js';
import { KafkaWriter } from '../../../src/kafka/codec/writer.js';
import type { FieldSpec } from '../../../scripts/kafka-codegen/schema.js';

/** One field of a schema (the generator's own type). */
export type FieldSchema = FieldSpec;

/** One message schema with the versions its codec serves. */
export interface MessageSchema {
  name: string;
  flexibleVersions: string;
  served: { min: number; max: number };
  fields: FieldSchema[];
  commonStructs?: { name: string; fields: FieldSchema[] }[];
}

/** Every message the codecs cover. */
export const MESSAGE_SCHEMAS: MessageSchema[] = JSON.parse(
  readFileSync(new URL('../fixtures/message-schemas.json', import.meta.url), 'utf8'),
) as MessageSchema[];

/** Whether `version` lies in a schema range such as "3+", "0-5" or "none". */
export function inRange(range: string | undefined, version: number): boolean {
  if (range === undefined || range === 'none') return false;
  const plus = /^(\d+)\+$/.exec(range);
  if (plus) return version >= Number(plus[1]);
  const [lo, hi] = range.split('-').map(Number);
  return version >= lo && version <= (hi ?? lo);
}

/** The property name the generated code uses for a schema field. */
export const propertyName = (field: FieldSchema): string => field.name[0].toLowerCase() + field.name.slice(1);

/** The generated functions of one message. */
export interface MessageCodec {
  read(r: KafkaReader, version: number): unknown;
  sizeOf(value: unknown, version: number): number;
  write(w: KafkaWriter, value: unknown, version: number): void;
}

const kebab = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/** Loads the generated codec of a message by name. */
export async function loadCodec(name: string): Promise<MessageCodec> {
  const mod = (await import(`../../../src/kafka/codec/generated/${kebab(name)}.js`)) as Record<string, MessageCodec[keyof MessageCodec]>;
  return {
    read: mod[`read${name}`] as MessageCodec['read'],
    sizeOf: mod[`sizeOf${name}`] as MessageCodec['sizeOf'],
    write: mod[`write${name}`] as MessageCodec['write'],
  };
}

/** Encodes a value with a message codec (size first, then write). */
export function encodeWith(codec: MessageCodec, value: unknown, version: number): Buffer {
  const w = new KafkaWriter(codec.sizeOf(value, version));
  codec.write(w, value, version);
  return w.finish();
}

/** Decodes a whole buffer with a message codec, requiring every byte to be consumed. */
export function decodeWith(codec: MessageCodec, bytes: Buffer, version: number): unknown {
  const r = new KafkaReader(bytes);
  const value = codec.read(r, version);
  r.expectEnd();
  return value;
}
