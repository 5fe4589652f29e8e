/**
 * Group commit: the single writer of a log's active segment.
 *
 * Appends are queued in parallel arrays (no per-append closure beyond the promise itself). One
 * cycle at a time takes everything queued, writes it with one writev per segment, then, under
 * fsync 'batch', issues ONE fdatasync covering the whole group before acknowledging all of it;
 * appends that arrive meanwhile form the next group. 'always' takes one append per cycle (one
 * fdatasync each); 'never' acknowledges after the write. Any write or sync error is fatal: the
 * group and everything queued after it are rejected with FSYNC_FAILED, and so is every later append.
 */
import type { AppendResult, FsyncMode } from '../types.js';
import { StorageError } from '../types.js';
import { writevAll } from './durable-fs.js';
import type { Segment } from './segment.js';

/** Counters of the writer, for benchmarks and monitoring. */
export interface CommitStats {
  appends: number;
  writes: number;
  fsyncs: number;
  bytes: number;
}

/** What the writer needs from its log. */
export interface GroupCommitHost {
  /** The current durability mode (it may be reconfigured live). */
  fsyncMode(): FsyncMode;
  /** Makes `segment` writable: seals the previous active segment and creates this one's file. */
  startSegment(segment: Segment): Promise<void>;
  /** Bytes up to `end` of `segment` are written (and synced if `synced`); offsets below `highWatermark` are acknowledged. */
  acknowledged(segment: Segment, end: number, highWatermark: number, synced: boolean): void;
  /** A write or sync failed; the log must refuse further appends. */
  failed(error: StorageError): void;
}

/** The queue and flush loop of one log. */
export class GroupCommit {
  readonly stats: CommitStats = { appends: 0, writes: 0, fsyncs: 0, bytes: 0 };
  private buffers: Buffer[] = [];
  private segments: Segment[] = [];
  private results: AppendResult[] = [];
  private resolves: ((result: AppendResult) => void)[] = [];
  private rejects: ((error: unknown) => void)[] = [];
  private running: Promise<void> | undefined;
  private failure: StorageError | undefined;
  private readonly start = (): void => {
    this.running = this.loop();
  };

  constructor(private readonly host: GroupCommitHost) {}

  /** Queues a stamped batch for `segment`; resolves with `result` once acknowledged. */
  enqueue(buffer: Buffer, segment: Segment, result: AppendResult): Promise<AppendResult> {
    if (this.failure) return Promise.reject(this.failure);
    this.stats.appends++;
    if (this.buffers.length === 0 && !this.running) queueMicrotask(this.start);
    this.buffers.push(buffer);
    this.segments.push(segment);
    this.results.push(result);
    return new Promise<AppendResult>((resolve, reject) => {
      this.resolves.push(resolve);
      this.rejects.push(reject);
    });
  }

  /** Resolves once everything queued so far is acknowledged or rejected. */
  async drain(): Promise<void> {
    while (this.running || this.buffers.length > 0) await (this.running ?? Promise.resolve());
  }

  private async loop(): Promise<void> {
    while (this.buffers.length > 0 && !this.failure) {
      const count = this.host.fsyncMode() === 'always' ? 1 : this.buffers.length;
      const buffers = this.buffers.splice(0, count);
      const segments = this.segments.splice(0, count);
      const results = this.results.splice(0, count);
      const resolves = this.resolves.splice(0, count);
      const rejects = this.rejects.splice(0, count);
      try {
        await this.commit(buffers, segments, results);
      } catch (err) {
        this.fail(err, rejects);
        break;
      }
      for (let i = 0; i < count; i++) resolves[i](results[i]);
    }
    this.running = undefined;
  }

  /** Writes one group (possibly spanning a roll), syncs it per the mode, and acknowledges it. */
  private async commit(buffers: Buffer[], segments: Segment[], results: AppendResult[]): Promise<void> {
    const runs: [Segment, number, number][] = [];
    for (let i = 0; i < buffers.length; ) {
      const segment = segments[i];
      let j = i;
      let bytes = 0;
      while (j < buffers.length && segments[j] === segment) bytes += buffers[j++].length;
      if (!segment.handle) await this.host.startSegment(segment);
      const position = segment.visibleSize;
      await writevAll(segment.handle!, j - i === buffers.length ? buffers : buffers.slice(i, j), position);
      this.stats.writes++;
      this.stats.bytes += bytes;
      runs.push([segment, position + bytes, results[j - 1].lastOffset + 1]);
      i = j;
    }
    const synced = this.host.fsyncMode() !== 'never';
    if (synced) {
      await runs[runs.length - 1][0].handle!.datasync();
      this.stats.fsyncs++;
    }
    for (const [segment, end, highWatermark] of runs) this.host.acknowledged(segment, end, highWatermark, synced);
  }

  private fail(err: unknown, rejects: ((error: unknown) => void)[]): void {
    const message = err instanceof Error ? err.message : String(err);
    this.failure = err instanceof StorageError && err.code === 'FSYNC_FAILED' ? err : new StorageError('FSYNC_FAILED', message);
    this.host.failed(this.failure);
    for (const reject of rejects.concat(this.rejects)) reject(this.failure);
    this.buffers = [];
    this.segments = [];
    this.results = [];
    this.resolves = [];
    this.rejects = [];
  }
}
