import { ByteReader } from './codec/byte-reader.js';
import { readTable } from './codec/field-table.js';
import { AmqpProtocolError } from './codec/errors.js';

/** SASL mechanisms offered in connection.start, in order of preference. */
export const SASL_MECHANISMS = ['PLAIN', 'AMQPLAIN'] as const;

/** A username and password taken from a SASL response. */
export interface Credentials {
  username: string;
  password: string;
}

/**
 * Extracts credentials from a connection.start-ok response: PLAIN is `authzid NUL user NUL password`,
 * AMQPLAIN a field table body (without its length) holding LOGIN and PASSWORD. Returns undefined for an
 * unknown mechanism or a malformed response.
 */
export function parseSaslResponse(mechanism: string, response: Buffer): Credentials | undefined {
  if (mechanism === 'PLAIN') {
    const parts = response.toString('utf8').split('\0');
    if (parts.length !== 3) return undefined;
    return { username: parts[1]!, password: parts[2]! };
  }
  if (mechanism === 'AMQPLAIN') {
    const withLength = Buffer.allocUnsafe(4 + response.length);
    withLength.writeUInt32BE(response.length, 0);
    response.copy(withLength, 4);
    let table;
    try {
      table = readTable(new ByteReader(withLength));
    } catch (error) {
      if (error instanceof AmqpProtocolError) return undefined;
      throw error;
    }
    const { LOGIN: username, PASSWORD: password } = table;
    if (typeof username !== 'string' || typeof password !== 'string') return undefined;
    return { username, password };
  }
  return undefined;
}
