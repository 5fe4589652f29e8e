/**
 * A log's open read descriptors: a small LRU of segment files kept open between reads, so that a
 * fetch costs one positioned read instead of open, read, close.
 *
 * A handle in use by a read is never closed under it: evicting or dropping an entry only retires it,
 * and a retired handle closes when its last read releases it. A segment's file can therefore be
 * removed (retention, DeleteRecords, log deletion) while a read holds it open; the read finishes on
 * the unlinked file, and later reads of that segment find it gone.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { StorageError } from '../types.js';
import { LOG_SUFFIX } from './names.js';
import type { Segment } from './segment.js';

/** Read descriptors a log keeps open at most (the active segment and a few recently read ones). */
export const MAX_OPEN_READ_HANDLES = 4;

/** A read handle borrowed from the cache; `release` must be called exactly once. */
export interface ReadLease {
  handle: FileHandle;
  release(): Promise<void>;
}

interface Entry {
  opening: Promise<FileHandle>;
  refs: number;
  retired: boolean;
}

/** The open read handles of one log's segments, bounded by `capacity`. */
export class ReadHandles {
  /** Insertion order is recency order: the first entry is the least recently used. */
  private readonly entries = new Map<Segment, Entry>();
  /** Segments dropped for good: a late read of one borrows a handle that is not kept. */
  private readonly gone = new WeakSet<Segment>();
  private closed = false;

  constructor(private readonly capacity = MAX_OPEN_READ_HANDLES) {}

  /** Number of handles currently cached (open or opening), not counting retired ones still in use. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Borrows a read handle on `segment`'s data file, opening it if needed; a file already removed
   * reads as OFFSET_OUT_OF_RANGE.
   */
  async acquire(segment: Segment): Promise<ReadLease> {
    let entry = this.entries.get(segment);
    if (entry) this.entries.delete(segment);
    else entry = { opening: open(segment.path(LOG_SUFFIX), 'r'), refs: 0, retired: this.closed || this.gone.has(segment) };
    if (!entry.retired) this.entries.set(segment, entry);
    entry.refs++;
    const evictions = this.evictBeyondCapacity();
    let handle: FileHandle;
    try {
      handle = await entry.opening;
    } catch (err) {
      entry.refs--;
      if (this.entries.get(segment) === entry) this.entries.delete(segment);
      await evictions;
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StorageError('OFFSET_OUT_OF_RANGE', `segment ${segment.path(LOG_SUFFIX)} was deleted`);
      throw err;
    }
    await evictions;
    const held = entry;
    let released = false;
    return {
      handle,
      release: () => {
        if (released) return Promise.resolve();
        released = true;
        held.refs--;
        return held.retired && held.refs === 0 ? closeQuietly(held) : Promise.resolve();
      },
    };
  }

  /** Drops the handles of `segments` (about to be removed); each closes once no read holds it. */
  drop(segments: readonly Segment[]): Promise<void> {
    for (const segment of segments) this.gone.add(segment);
    return this.retire(segments);
  }

  /** Drops every handle and keeps none from now on (the log is closing). */
  dropAll(): Promise<void> {
    this.closed = true;
    return this.retire([...this.entries.keys()]);
  }

  /** Removes the entries of `segments` from the cache; each closes once no read holds it. */
  private retire(segments: readonly Segment[]): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const segment of segments) {
      const entry = this.entries.get(segment);
      if (!entry) continue;
      this.entries.delete(segment);
      entry.retired = true;
      if (entry.refs === 0) closing.push(closeQuietly(entry));
    }
    return Promise.all(closing).then(() => undefined);
  }

  private evictBeyondCapacity(): Promise<void> {
    const excess = this.entries.size - this.capacity;
    if (excess <= 0) return Promise.resolve();
    return this.retire([...this.entries.keys()].slice(0, excess));
  }
}

/** Closes an entry's handle; a handle that never opened has nothing to close. */
async function closeQuietly(entry: Entry): Promise<void> {
  const handle = await entry.opening.catch(() => undefined);
  await handle?.close();
}
