import { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';
import { AmqpProtocolError, ReplyCode } from './errors.js';
import { readBasicProperties, writeBasicProperties, type BasicProperties } from './generated/properties.js';

/** The basic class id: the only class whose methods carry content. */
export const BASIC_CLASS_ID = 60;

/** A decoded content header frame. */
export interface ContentHeader {
  classId: number;
  bodySize: number;
  properties: BasicProperties;
}

/** Decodes a content header payload (class id, weight, body size, property flags and values). */
export function readContentHeader(payload: Buffer): ContentHeader {
  const r = new ByteReader(payload);
  const classId = r.short();
  if (classId !== BASIC_CLASS_ID) {
    throw new AmqpProtocolError(ReplyCode.FRAME_ERROR, `content header for class ${classId}; only class ${BASIC_CLASS_ID} has content`);
  }
  r.short(); // weight, always 0
  const bodySize = r.longlong();
  return { classId, bodySize, properties: readBasicProperties(r) };
}

/** Encodes a basic content header payload. */
export function writeContentHeader(w: ByteWriter, bodySize: number, properties: BasicProperties): void {
  w.short(BASIC_CLASS_ID);
  w.short(0);
  w.longlong(bodySize);
  writeBasicProperties(w, properties);
}
