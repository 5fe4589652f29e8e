/** Sequential reading of a log's batches, for recovery scans, replays and compaction. */
import { batchTotalBytes, readBatchHeader, type BatchHeader } from '../../storage/record-batch.js';
import type { PartitionLog } from '../../storage/types.js';

/** One whole batch met by a scan: its header and a view of its bytes. */
export interface ScannedBatch {
  header: BatchHeader;
  bytes: Buffer;
}

/** Bytes asked of the log per read during a scan. */
const SCAN_CHUNK_BYTES = 1024 * 1024;

/**
 * Yields every batch of `log` from the one containing `fromOffset` up to the high watermark seen
 * when the scan started, in offset order. Batches ending before `fromOffset` are skipped.
 */
export async function* scanBatches(log: PartitionLog, fromOffset: number): AsyncGenerator<ScannedBatch> {
  const end = log.highWatermark;
  let offset = Math.max(fromOffset, log.startOffset);
  while (offset < end) {
    const { data, nextOffset } = await log.read(offset, SCAN_CHUNK_BYTES);
    if (data.length === 0 || nextOffset <= offset) return;
    let pos = 0;
    while (pos < data.length) {
      const header = readBatchHeader(data, pos);
      const size = batchTotalBytes(header);
      if (header.baseOffset + header.lastOffsetDelta >= fromOffset && header.baseOffset < end) {
        yield { header, bytes: data.subarray(pos, pos + size) };
      }
      pos += size;
    }
    offset = nextOffset;
  }
}
