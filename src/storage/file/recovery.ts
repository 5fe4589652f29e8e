/**
 * Loading a log's segments on open.
 *
 * After a clean shutdown the saved indexes are trusted: each segment is checked from its last
 * index entry to its end (which also yields its next offset and newest timestamp); a missing or
 * inconsistent index is rebuilt by a full scan. After a crash every segment is scanned: headers,
 * CRC-32C and dense offsets are verified and the indexes rebuilt. A problem past the recovery point
 * is a torn tail and is cut off there; a problem below it is damage: it is reported with file and
 * position and the log is refused (LOG_DAMAGED) rather than silently shortened.
 */
import { open, readdir, rm, stat } from 'node:fs/promises';
import { batchLastOffset, batchTotalBytes, type BatchHeader } from '../record-batch.js';
import { StorageError } from '../types.js';
import { isBefore, type LogPosition } from './checkpoint.js';
import { fsyncDir } from './durable-fs.js';
import { INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX, parseSegmentFileName } from './names.js';
import { Segment } from './segment.js';
import { scanSegment, type ScanProblem } from './segment-scan.js';

/** What recovery needs to know about the log. */
export interface RecoveryInput {
  dir: string;
  /** True if the clean-shutdown marker was present. */
  clean: boolean;
  /** Last flushed position; problems before it are damage. */
  recoveryPoint: LogPosition;
  indexIntervalBytes: number;
}

/** Base offsets of the segment files in `dir`, ascending. */
async function listSegmentBases(dir: string): Promise<number[]> {
  const bases: number[] = [];
  for (const name of await readdir(dir)) {
    const base = parseSegmentFileName(name);
    if (base !== undefined) bases.push(base);
  }
  return bases.sort((a, b) => a - b);
}

/** Loads (and if needed repairs) every segment of the log, oldest first. */
export async function recoverSegments(input: RecoveryInput): Promise<Segment[]> {
  const segments: Segment[] = [];
  const bases = await listSegmentBases(input.dir);
  let changedFiles = false;
  for (let i = 0; i < bases.length; i++) {
    const segment = new Segment(input.dir, bases[i]);
    const expectedBase = i > 0 ? segments[i - 1].nextOffset : segment.baseOffset;
    const fileSize = (await stat(segment.path(LOG_SUFFIX))).size;
    const loaded = input.clean && segment.baseOffset === expectedBase ? await loadWithIndexes(segment, fileSize, input.indexIntervalBytes) : false;
    if (!loaded) {
      const problem =
        segment.baseOffset === expectedBase
          ? await rebuild(segment, fileSize, input.indexIntervalBytes)
          : { position: 0, reason: `segment starts at offset ${segment.baseOffset}, expected ${expectedBase}` };
      if (problem) {
        const at = { segmentBase: segment.baseOffset, position: problem.position };
        if (input.clean || isBefore(at, input.recoveryPoint)) throw damaged(segment, problem);
        console.warn(`storage: ${segment.path(LOG_SUFFIX)}: cutting a torn tail at byte ${problem.position} (${problem.reason})`);
        if (segment.baseOffset !== expectedBase) {
          await dropSegments(bases.slice(i), input.dir);
          changedFiles = true;
          break;
        }
        await truncate(segment, problem.position);
        await dropSegments(bases.slice(i + 1), input.dir);
      }
      changedFiles = (await segment.saveIndexesIfChanged()) || changedFiles || problem !== undefined;
      if (problem) {
        segments.push(segment);
        break;
      }
    }
    segments.push(segment);
  }
  if (changedFiles) await fsyncDir(input.dir);
  const last = segments[segments.length - 1];
  const end = last ? { segmentBase: last.baseOffset, position: last.size } : { segmentBase: 0, position: 0 };
  if (isBefore(end, input.recoveryPoint)) {
    const at = `${last ? last.path(LOG_SUFFIX) : input.dir} ends at byte ${end.position}`;
    const point = `segment ${input.recoveryPoint.segmentBase} byte ${input.recoveryPoint.position}`;
    console.error(`storage: LOG DAMAGED: ${at}, before its last flushed position (${point}); refusing to open the log`);
    throw new StorageError('LOG_DAMAGED', `${at}, before its last flushed position (${point})`);
  }
  return segments;
}

/** Loads saved indexes and verifies the segment from the last index entry on; false to rebuild instead. */
async function loadWithIndexes(segment: Segment, fileSize: number, interval: number): Promise<boolean> {
  const indexes = await segment.loadIndexes(fileSize);
  if (!indexes) return false;
  segment.adoptIndexes(...indexes);
  const [offset, position] = segment.lastIndexed();
  const result = await scanFile(segment, position, fileSize, offset, interval);
  if (!result.problem) return true;
  if (result.problem.position === position) return false; // the index itself points at the wrong place
  throw damaged(segment, result.problem);
}

/** Rebuilds the segment's indexes from a full scan; returns the problem that ended the scan, if any. */
async function rebuild(segment: Segment, fileSize: number, interval: number): Promise<ScanProblem | undefined> {
  const fresh = new Segment(segment.dir, segment.baseOffset);
  segment.adoptIndexes(fresh.offsetIndex, fresh.timeIndex);
  segment.maxTimestamp = -Infinity;
  return (await scanFile(segment, 0, fileSize, segment.baseOffset, interval)).problem;
}

async function scanFile(segment: Segment, from: number, fileSize: number, expectedOffset: number, interval: number) {
  const handle = await open(segment.path(LOG_SUFFIX), 'r');
  try {
    segment.size = from;
    const result = await scanSegment(handle, from, fileSize, expectedOffset, (position: number, header: BatchHeader) =>
      segment.track(position, batchTotalBytes(header), header.baseOffset, batchLastOffset(header), header.maxTimestamp, interval),
    );
    segment.size = result.end;
    segment.writtenSize = result.end;
    segment.visibleSize = result.end;
    segment.nextOffset = result.nextOffset;
    return result;
  } finally {
    await handle.close();
  }
}

async function truncate(segment: Segment, position: number): Promise<void> {
  const handle = await open(segment.path(LOG_SUFFIX), 'r+');
  try {
    await handle.truncate(position);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function dropSegments(bases: number[], dir: string): Promise<void> {
  for (const base of bases) {
    const later = new Segment(dir, base);
    console.warn(`storage: ${later.path(LOG_SUFFIX)}: removed, it follows a torn tail`);
    await Promise.all([LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX].map((suffix) => rm(later.path(suffix), { force: true })));
  }
}

function damaged(segment: Segment, problem: ScanProblem): StorageError {
  const where = `${segment.path(LOG_SUFFIX)} at byte ${problem.position}`;
  console.error(`storage: LOG DAMAGED: ${where}: ${problem.reason}; refusing to open the log`);
  return new StorageError('LOG_DAMAGED', `${where}: ${problem.reason}`);
}
