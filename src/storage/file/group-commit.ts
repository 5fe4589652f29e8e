/**
 * Group commit: the single writer of a log's active segment.
 *
 * A written group is readable at once (the host hears `written`, each append's `onReadable` runs);
 * its appends are acknowledged once durable under the fsync mode. Under 'batch', a group whose appends
 * all allow it (deferSync: nobody is waiting on them) gets its sync up to DEFERRED_SYNC_MS later, shared
 * with whatever is written meanwhile; any other group's sync starts at once and covers it too.
 * Appends are queued in parallel arrays; every append's promise shares one executor, so an append
 * allocates no closure of its own. The write stage takes everything queued as one group and writes
 * it with one writev per segment; appends arriving meanwhile form the next group. Under fsync
 * 'batch', each written group gets ONE fdatasync covering it and everything written before it, and
 * up to MAX_SYNCS_IN_FLIGHT syncs may overlap the next writes: when a sync completes, every group
 * written before it was issued is durable and is acknowledged, always in append order. 'always'
 * writes and fdatasyncs one append at a time; 'never' acknowledges after the write. Any write or
 * sync error is fatal: every group not yet acknowledged, and every later append, is rejected with
 * FSYNC_FAILED. Writes of up to 64 KiB block the event loop for their copy into the page cache
 * (durable-fs.ts); under 'never' the acknowledgement then waits one event-loop turn, so that appends
 * awaited one after another still let I/O and timers run.
 */
import type { AppendOptions, AppendResult, FsyncMode } from '../types.js';
import { StorageError } from '../types.js';
import { writevAll } from './durable-fs.js';
import type { Segment } from './segment.js';

/** Syncs that may run at once (the rest of libuv's pool stays free for writes and reads). */
const MAX_SYNCS_IN_FLIGHT = 2;
/** Longest time an fdatasync is put off while every append it would cover allows it (AppendOptions.deferSync). */
export const DEFERRED_SYNC_MS = 50;

/** Counters of the writer, for benchmarks and monitoring. */
export interface CommitStats {
  appends: number;
  writes: number;
  fsyncs: number;
  bytes: number;
  /** Milliseconds spent in writes of appended data. */
  writeMs: number;
  /** Milliseconds spent in fdatasyncs of appended data, summed over syncs (they may overlap). */
  syncMs: number;
}

/** What the writer needs from its log. */
export interface GroupCommitHost {
  /** The current durability mode (it may be reconfigured live). */
  fsyncMode(): FsyncMode;
  /** Makes `segment` writable: seals the previous active segment and creates this one's file. */
  startSegment(segment: Segment): Promise<void>;
  /** Bytes up to `end` of `segment` are written: offsets below `highWatermark` are readable. */
  written(segment: Segment, end: number, highWatermark: number): void;
  /** Bytes up to `end` of `segment` are written and fdatasync'ed. */
  durable(segment: Segment, end: number): void;
  /** A write or sync failed; the log must refuse further appends. */
  failed(error: StorageError): void;
}

/** Appends written together: their outcome, and where each segment they touched now ends. */
interface Group {
  results: AppendResult[];
  readables: Readable[];
  /** True if an append of the group wants its fdatasync without delay. */
  urgent: boolean;
  resolves: ((result: AppendResult) => void)[];
  rejects: ((error: unknown) => void)[];
  runs: { segment: Segment; end: number; highWatermark: number }[];
}

/** An append's readability listener, if it has one. */
type Readable = AppendOptions['onReadable'];

/** Groups covered by one fdatasync. */
interface Sync {
  groups: Group[];
}

/** The queue, write stage and sync stage of one log. */
export class GroupCommit {
  readonly stats: CommitStats = { appends: 0, writes: 0, fsyncs: 0, bytes: 0, writeMs: 0, syncMs: 0 };
  private buffers: Buffer[] = [];
  private segments: Segment[] = [];
  private results: AppendResult[] = [];
  private readables: Readable[] = [];
  private deferrals: boolean[] = [];
  private resolves: ((result: AppendResult) => void)[] = [];
  private rejects: ((error: unknown) => void)[] = [];
  private writing: Promise<void> | undefined;
  /** Written groups waiting for a sync to be issued. */
  private unsynced: Group[] = [];
  /** Issued syncs, oldest first, until acknowledged. */
  private syncs: Sync[] = [];
  private syncsInFlight = 0;
  /** Set while a put-off sync is waiting to start, with the time by which it must start. */
  private deferredSync: NodeJS.Timeout | undefined;
  private deferredDeadline = Infinity;
  /** True while a segment is being sealed and its successor created: no sync may start. */
  private sealing = false;
  private waiters: (() => void)[] = [];
  private failure: StorageError | undefined;

  /** Whether the write loop is about to start (it starts in a microtask so that appends made in the same tick form one group). */
  private startQueued = false;
  private readonly start = (): void => {
    this.startQueued = false;
    this.writing ??= this.writeLoop();
  };

  /** The executor of every append's promise: one closure for the log, none per append. */
  private readonly holdSettlers = (resolve: (result: AppendResult) => void, reject: (error: unknown) => void): void => {
    this.resolves.push(resolve);
    this.rejects.push(reject);
  };

  constructor(private readonly host: GroupCommitHost) {}

  /**
   * Queues a stamped batch for `segment`; `onReadable` hears when it is written; resolves with `result`
   * once acknowledged. With `deferSync` its fdatasync may wait up to DEFERRED_SYNC_MS.
   */
  enqueue(buffer: Buffer, segment: Segment, result: AppendResult, onReadable: Readable, deferSync = false): Promise<AppendResult> {
    if (this.failure) return Promise.reject(this.failure);
    this.stats.appends++;
    this.buffers.push(buffer);
    this.segments.push(segment);
    this.results.push(result);
    this.readables.push(onReadable);
    this.deferrals.push(deferSync);
    const promise = new Promise<AppendResult>(this.holdSettlers);
    if (!this.writing && !this.startQueued) {
      this.startQueued = true;
      queueMicrotask(this.start);
    }
    return promise;
  }

  /** Resolves once everything queued so far is acknowledged or rejected. */
  async drain(): Promise<void> {
    while (this.writing || this.startQueued || this.syncsInFlight > 0 || this.buffers.length > 0 || this.unsynced.length > 0) {
      this.startSync(); // nothing is put off while draining
      await this.nextEvent();
    }
  }

  /** Resolves once no sync is running (before a segment's handle is closed). */
  async syncsSettled(): Promise<void> {
    while (this.syncsInFlight > 0) await this.nextEvent();
  }

  /** Resolves at the next sync completion, failure or end of the write loop. */
  private nextEvent(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private async writeLoop(): Promise<void> {
    try {
      while (this.buffers.length > 0 && !this.failure) {
        const mode = this.host.fsyncMode();
        if (mode !== 'batch') await this.settleSyncs();
        const group = await this.writeGroup(mode === 'always' ? 1 : this.buffers.length);
        if (this.failure) {
          // A sync failed while this group was being written: it is neither readable nor ever acknowledged.
          this.unsynced.push(group);
          break;
        }
        this.readable(group);
        if (mode === 'never') {
          // A small write blocks instead of waiting on the thread pool (durable-fs.ts), so without this
          // turn a caller awaiting append after append would never let I/O or timers run.
          await new Promise<void>((resolve) => setImmediate(resolve));
          this.acknowledge(group, false);
        } else if (mode === 'always') {
          try {
            await this.sync(group.runs[group.runs.length - 1].segment);
          } catch (err) {
            this.unsynced.push(group); // so that fail() rejects it
            throw err;
          }
          this.acknowledge(group, true);
        } else {
          this.unsynced.push(group);
          this.syncWhenDue();
        }
      }
      if (this.failure) this.fail(this.failure);
    } catch (err) {
      this.fail(err);
    } finally {
      this.writing = undefined;
      this.wake();
    }
  }

  /** Acknowledges every group written under 'batch' before a switch to another mode. */
  private async settleSyncs(): Promise<void> {
    while ((this.syncs.length > 0 || this.unsynced.length > 0) && !this.failure) {
      this.startSync();
      await this.nextEvent();
    }
  }

  /** Seals the previous segment and creates `segment`, with no sync running meanwhile. */
  private async startSegment(segment: Segment): Promise<void> {
    this.sealing = true;
    try {
      await this.syncsSettled();
      await this.host.startSegment(segment);
    } finally {
      this.sealing = false;
    }
  }

  /** Writes the first `count` queued batches (one writev per segment they span). */
  private async writeGroup(count: number): Promise<Group> {
    const { buffers, segments, results, readables, deferrals, resolves, rejects } = this.take(count);
    const group: Group = { results, readables, urgent: deferrals.includes(false), resolves, rejects, runs: [] };
    try {
      for (let i = 0; i < count; ) {
        const segment = segments[i];
        let j = i;
        let bytes = 0;
        while (j < count && segments[j] === segment) bytes += buffers[j++].length;
        if (!segment.handle) await this.startSegment(segment);
        const position = segment.writtenSize;
        const started = performance.now();
        await writevAll(segment.handle!, j - i === count ? buffers : buffers.slice(i, j), position);
        this.stats.writeMs += performance.now() - started;
        segment.writtenSize = position + bytes;
        this.stats.writes++;
        this.stats.bytes += bytes;
        group.runs.push({ segment, end: position + bytes, highWatermark: group.results[j - 1].lastOffset + 1 });
        i = j;
      }
    } catch (err) {
      this.unsynced.push(group);
      throw err;
    }
    return group;
  }

  /** Removes the first `count` queued appends from the queue (without copying when it takes all). */
  private take(count: number) {
    const taken = {
      buffers: this.buffers,
      segments: this.segments,
      results: this.results,
      readables: this.readables,
      deferrals: this.deferrals,
      resolves: this.resolves,
      rejects: this.rejects,
    };
    if (count === this.buffers.length) {
      this.buffers = [];
      this.segments = [];
      this.results = [];
      this.readables = [];
      this.deferrals = [];
      this.resolves = [];
      this.rejects = [];
      return taken;
    }
    return {
      buffers: this.buffers.splice(0, count),
      segments: this.segments.splice(0, count),
      results: this.results.splice(0, count),
      readables: this.readables.splice(0, count),
      deferrals: this.deferrals.splice(0, count),
      resolves: this.resolves.splice(0, count),
      rejects: this.rejects.splice(0, count),
    };
  }

  /** Starts a sync now if a written group wants one without delay; otherwise puts it off (once). */
  private syncWhenDue(): void {
    if (this.unsynced.some((group) => group.urgent) || performance.now() >= this.deferredDeadline) this.startSync();
    else if (this.unsynced.length > 0 && this.deferredSync === undefined && !this.failure) {
      this.deferredDeadline = performance.now() + DEFERRED_SYNC_MS;
      this.deferredSync = setTimeout(this.startDeferredSync, DEFERRED_SYNC_MS);
    }
  }

  /** The deferral ran out: sync now, or (every slot busy) as soon as a running sync completes. */
  private readonly startDeferredSync = (): void => {
    this.deferredSync = undefined;
    this.startSync();
  };

  /** Issues one fdatasync covering every written group not yet covered, if a slot is free. */
  private startSync(): void {
    if (this.sealing || this.syncsInFlight >= MAX_SYNCS_IN_FLIGHT || this.unsynced.length === 0 || this.failure) return;
    clearTimeout(this.deferredSync);
    this.deferredSync = undefined;
    this.deferredDeadline = Infinity;
    const groups = this.unsynced;
    this.unsynced = [];
    const entry: Sync = { groups };
    this.syncs.push(entry);
    const lastGroup = groups[groups.length - 1];
    this.sync(lastGroup.runs[lastGroup.runs.length - 1].segment).then(
      () => this.synced(entry),
      (err: unknown) => this.fail(err),
    );
  }

  /** fdatasyncs the segment; a sealed segment (handle closed) was synced when it was sealed. */
  private async sync(segment: Segment): Promise<void> {
    if (!segment.handle) return;
    this.syncsInFlight++;
    try {
      const started = performance.now();
      await segment.handle.datasync();
      this.stats.syncMs += performance.now() - started;
      this.stats.fsyncs++;
    } finally {
      this.syncsInFlight--;
      this.wake();
    }
  }

  /** A sync completed: it covers every group written before it, including earlier syncs' groups. */
  private synced(entry: Sync): void {
    const last = this.syncs.indexOf(entry);
    for (const covered of this.syncs.splice(0, last + 1)) for (const group of covered.groups) this.acknowledge(group, true);
    this.syncWhenDue();
    this.wake();
  }

  /** A group is written: its offsets become readable, and its appends' listeners hear it. */
  private readable(group: Group): void {
    for (const run of group.runs) this.host.written(run.segment, run.end, run.highWatermark);
    const { results, readables } = group;
    for (let i = 0; i < readables.length; i++) {
      try {
        readables[i]?.(results[i]);
      } catch (err) {
        // A listener's fault says nothing about the disk: report it, keep the log going.
        console.error('storage: an onReadable listener threw:', err);
      }
    }
  }

  private acknowledge(group: Group, synced: boolean): void {
    if (synced) for (const run of group.runs) this.host.durable(run.segment, run.end);
    const { results, resolves } = group;
    for (let i = 0; i < resolves.length; i++) resolves[i](results[i]);
  }

  private fail(err: unknown): void {
    clearTimeout(this.deferredSync);
    this.deferredSync = undefined;
    if (!this.failure) {
      const message = err instanceof Error ? err.message : String(err);
      this.failure = err instanceof StorageError && err.code === 'FSYNC_FAILED' ? err : new StorageError('FSYNC_FAILED', message);
      this.host.failed(this.failure);
    }
    const groups = [...this.syncs.flatMap((s) => s.groups), ...this.unsynced];
    this.syncs = [];
    this.unsynced = [];
    groups.push({ ...this.take(this.buffers.length), urgent: true, runs: [] });
    for (const group of groups) for (const reject of group.rejects) reject(this.failure);
    this.wake();
  }
}
