/** The AMQP 0-9-1 codec: I/O-free frame reading and writing, methods, content headers, field tables. */
import { ByteReader } from './byte-reader.js';
import { readMethod, type AmqpMethod } from './generated/methods.js';

export { AmqpProtocolError, ReplyCode, replyCodeName } from './errors.js';
export { ByteReader } from './byte-reader.js';
export { ByteWriter } from './byte-writer.js';
export { readTable, writeTable, type FieldTable, type FieldValue } from './field-table.js';
export { FrameReader, FrameType, FRAME_END, FRAME_OVERHEAD, type Frame } from './frame-reader.js';
export { FrameWriter } from './frame-writer.js';
export { readContentHeader, writeContentHeader, BASIC_CLASS_ID, type ContentHeader } from './content-header.js';
export * from './generated/methods.js';
export * from './generated/properties.js';
export { AmqpConstants } from './generated/constants.js';

/** Decodes a method frame payload. Throws AmqpProtocolError only. */
export function decodeMethod(payload: Buffer): AmqpMethod {
  return readMethod(new ByteReader(payload));
}
export { methodName } from './method-names.js';
