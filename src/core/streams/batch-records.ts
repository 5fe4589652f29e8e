/**
 * Record-level access to stored batches for the few core features that need it (compaction,
 * timestamp lookup, internal state logs). Uncompressed and gzip batches are decoded; batches in other
 * codecs are reported as undecodable so callers can leave them intact.
 */
import { gunzipSync } from 'node:zlib';
import {
  ATTR_COMPRESSION_MASK,
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD,
  decodeRecords,
  readBatchHeader,
  type DecodedRecord,
} from '../../storage/record-batch.js';

const GZIP = 1;
/** Refuse to inflate a batch beyond this many bytes (a guard against compression bombs). */
const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

/** The records of one stored batch, or null when its compression codec is not decodable here. */
export function decodeBatchRecords(batch: Buffer): DecodedRecord[] | null {
  const header = readBatchHeader(batch, 0);
  const codec = header.attributes & ATTR_COMPRESSION_MASK;
  if (codec === 0) return decodeRecords(batch, 0);
  if (codec !== GZIP) return null;
  const end = BATCH_LOG_OVERHEAD + header.batchLength;
  const inflated = gunzipSync(batch.subarray(BATCH_HEADER_BYTES, end), { maxOutputLength: MAX_INFLATED_BYTES });
  const plain = Buffer.allocUnsafe(BATCH_HEADER_BYTES + inflated.length);
  batch.copy(plain, 0, 0, BATCH_HEADER_BYTES);
  inflated.copy(plain, BATCH_HEADER_BYTES);
  plain.writeInt32BE(plain.length - BATCH_LOG_OVERHEAD, 8);
  plain.writeInt16BE(header.attributes & ~ATTR_COMPRESSION_MASK, 21);
  return decodeRecords(plain, 0);
}
