/**
 * One segment of a log: a data file of whole batches starting at `baseOffset`, with its sparse
 * offset and time indexes held in memory (see sparse-index.ts) and saved next to it.
 *
 * `size` counts every byte assigned to the file, including writes still in flight; `visibleSize`
 * counts only acknowledged bytes, the limit of every read.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir, writeFileSynced } from './durable-fs.js';
import { INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX, segmentFileName } from './names.js';
import { OFFSET_INDEX_FORMAT, SparseIndex, TIME_INDEX_FORMAT } from './sparse-index.js';

/** A segment's data file and indexes. */
export class Segment {
  /** Bytes assigned to the file (written or being written). */
  size = 0;
  /** Bytes written to the file by the writer (acknowledged or not). */
  writtenSize = 0;
  /** Bytes acknowledged and readable. */
  visibleSize = 0;
  /** Offset after the last batch assigned to this segment. */
  nextOffset: number;
  /** Largest batch maxTimestamp in the segment (-Infinity while empty). */
  maxTimestamp = -Infinity;
  /** Wall-clock ms of the first append since the segment was created or opened (for segmentMs). */
  firstAppendAt: number | undefined;
  /** Write handle; open only while the segment is the active one. */
  handle: FileHandle | undefined;
  offsetIndex = new SparseIndex();
  timeIndex = new SparseIndex();
  private lastIndexedPosition = 0;

  constructor(
    readonly dir: string,
    readonly baseOffset: number,
  ) {
    this.nextOffset = baseOffset;
  }

  /** Path of this segment's file with the given suffix. */
  path(suffix: string): string {
    return join(this.dir, segmentFileName(this.baseOffset, suffix));
  }

  /**
   * Records a batch placed at `position` (which must be `size`): advances size and next offset and
   * adds index entries once `interval` bytes have passed since the last entry.
   */
  track(position: number, bytes: number, baseOffset: number, lastOffset: number, maxTimestamp: number, interval: number): void {
    if (position - this.lastIndexedPosition >= interval) {
      const relative = baseOffset - this.baseOffset;
      this.offsetIndex.add(relative, position);
      const timeEntries = this.timeIndex.length;
      if (this.maxTimestamp > (timeEntries === 0 ? -Infinity : this.timeIndex.keyAt(timeEntries - 1))) {
        this.timeIndex.add(this.maxTimestamp, relative);
      }
      this.lastIndexedPosition = position;
    }
    this.size = position + bytes;
    this.nextOffset = lastOffset + 1;
    if (maxTimestamp > this.maxTimestamp) this.maxTimestamp = maxTimestamp;
  }

  /** Adopts indexes loaded from disk; scanning resumes after their last entry. */
  adoptIndexes(offsetIndex: SparseIndex, timeIndex: SparseIndex): void {
    this.offsetIndex = offsetIndex;
    this.timeIndex = timeIndex;
    const last = offsetIndex.length - 1;
    this.lastIndexedPosition = last >= 0 ? offsetIndex.valueAt(last) : 0;
    if (timeIndex.length > 0) this.maxTimestamp = timeIndex.keyAt(timeIndex.length - 1);
  }

  /** The last offset-index entry as [offset, position], or the segment start. */
  lastIndexed(): [number, number] {
    const last = this.offsetIndex.length - 1;
    return last >= 0 ? [this.baseOffset + this.offsetIndex.keyAt(last), this.offsetIndex.valueAt(last)] : [this.baseOffset, 0];
  }

  /** Position of the indexed batch at or before `offset` (a place to start scanning for it). */
  positionFor(offset: number): number {
    const i = this.offsetIndex.floor(offset - this.baseOffset);
    return i >= 0 ? this.offsetIndex.valueAt(i) : 0;
  }

  /** Position from which a scan finds the first batch whose maxTimestamp is >= `timestamp`. */
  positionForTimestamp(timestamp: number): number {
    const i = this.timeIndex.floor(timestamp - 1);
    return i >= 0 ? this.positionFor(this.baseOffset + this.timeIndex.valueAt(i)) : 0;
  }

  /** Creates the data file (fsyncing it and the directory) and opens it for appends. */
  async create(): Promise<void> {
    this.handle = await open(this.path(LOG_SUFFIX), 'wx+');
    await this.handle.sync();
    await fsyncDir(this.dir);
  }

  /** Opens an existing data file for appends. */
  async openForAppend(): Promise<void> {
    this.handle = await open(this.path(LOG_SUFFIX), 'r+');
  }

  /** Writes both index files and fsyncs them (the caller fsyncs the directory if they are new). */
  async saveIndexes(): Promise<void> {
    await writeFileSynced(this.path(INDEX_SUFFIX), this.offsetIndex.serialize(OFFSET_INDEX_FORMAT));
    await writeFileSynced(this.path(TIME_INDEX_SUFFIX), this.timeIndex.serialize(TIME_INDEX_FORMAT));
  }

  /** Writes the index files only where they differ from what is on disk; true if any was written. */
  async saveIndexesIfChanged(): Promise<boolean> {
    const [offsets, times] = await Promise.all([readIfPresent(this.path(INDEX_SUFFIX)), readIfPresent(this.path(TIME_INDEX_SUFFIX))]);
    const wantOffsets = this.offsetIndex.serialize(OFFSET_INDEX_FORMAT);
    const wantTimes = this.timeIndex.serialize(TIME_INDEX_FORMAT);
    if (offsets?.equals(wantOffsets) && times?.equals(wantTimes)) return false;
    await this.saveIndexes();
    return true;
  }

  /** Loads both index files if present and well-formed and within `fileSize`; undefined otherwise. */
  async loadIndexes(fileSize: number): Promise<[SparseIndex, SparseIndex] | undefined> {
    const [offsets, times] = await Promise.all([readIfPresent(this.path(INDEX_SUFFIX)), readIfPresent(this.path(TIME_INDEX_SUFFIX))]);
    if (!offsets || !times) return undefined;
    const offsetIndex = SparseIndex.parse(offsets, OFFSET_INDEX_FORMAT);
    const timeIndex = SparseIndex.parse(times, TIME_INDEX_FORMAT);
    if (!offsetIndex || !timeIndex) return undefined;
    const last = offsetIndex.length - 1;
    if (last >= 0 && offsetIndex.valueAt(last) >= fileSize) return undefined;
    if (timeIndex.length > 0 && timeIndex.valueAt(timeIndex.length - 1) > (last >= 0 ? offsetIndex.keyAt(last) : 0)) return undefined;
    return [offsetIndex, timeIndex];
  }

  /** Closes the write handle if open. */
  async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }
}

async function readIfPresent(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
