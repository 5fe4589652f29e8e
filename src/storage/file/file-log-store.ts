/**
 * A LogStore in a data directory: each log lives in `<dataDir>/logs/<encoded name>/` (see
 * names.ts for the reversible encoding). Deleting a log first renames its directory to a hidden
 * `.deleting-*` name (durably), so a crash never leaves half a log that list() would report.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_LOG_CONFIG, StorageError, type FsyncMode, type LogConfig, type LogStore, type PartitionLog } from '../types.js';
import { fsyncDir } from './durable-fs.js';
import { FilePartitionLog } from './file-partition-log.js';
import { DELETING_PREFIX, decodeLogName, encodeLogName } from './names.js';

/** Options of a file store. */
export interface FileLogStoreOptions {
  /** Durability of acknowledgements for logs that do not set their own (default 'batch'). */
  fsync?: FsyncMode;
  /** Settings for every log unless open() overrides them. */
  defaults?: Partial<LogConfig>;
}

/** Durable, file-backed logs under one data directory. */
export class FileLogStore implements LogStore {
  private readonly logs = new Map<string, Promise<FilePartitionLog>>();
  private closed = false;

  private constructor(
    /** The directory holding one sub-directory per log. */
    readonly logsDir: string,
    private readonly defaults: LogConfig,
  ) {}

  /** Opens the store in `dataDir` (created if missing), finishing any interrupted log deletion. */
  static async open(dataDir: string, options: FileLogStoreOptions = {}): Promise<FileLogStore> {
    const logsDir = join(dataDir, 'logs');
    await mkdir(logsDir, { recursive: true });
    await fsyncDir(dataDir);
    for (const entry of await readdir(logsDir)) {
      if (entry.startsWith(DELETING_PREFIX)) await rm(join(logsDir, entry), { recursive: true, force: true });
    }
    const defaults = { ...DEFAULT_LOG_CONFIG, ...options.defaults, ...(options.fsync ? { fsync: options.fsync } : {}) };
    return new FileLogStore(logsDir, defaults);
  }

  /** Opens a log; for a log already open, applies `config` to it live and returns it. */
  open(name: string, config: Partial<LogConfig> = {}): Promise<PartitionLog> {
    if (this.closed) return Promise.reject(new StorageError('LOG_CLOSED', 'the log store is closed'));
    const existing = this.logs.get(name);
    if (existing) {
      if (Object.keys(config).length === 0) return existing;
      return existing.then((log) => {
        log.reconfigure(config);
        return log;
      });
    }
    let dir: string;
    try {
      dir = join(this.logsDir, encodeLogName(name));
    } catch (err) {
      return Promise.reject(err);
    }
    const opening: Promise<FilePartitionLog> = FilePartitionLog.open(name, dir, { ...this.defaults, ...config }, () => this.forget(name, opening));
    this.logs.set(name, opening);
    opening.catch(() => this.forget(name, opening));
    return opening;
  }

  async list(): Promise<string[]> {
    const names: string[] = [];
    for (const entry of await readdir(this.logsDir, { withFileTypes: true })) {
      const name = entry.isDirectory() ? decodeLogName(entry.name) : undefined;
      if (name !== undefined) names.push(name);
    }
    return names;
  }

  async delete(name: string): Promise<void> {
    await this.closeLog(name);
    const dir = join(this.logsDir, encodeLogName(name));
    const doomed = join(this.logsDir, `${DELETING_PREFIX}${randomUUID()}`);
    try {
      await rename(dir, doomed);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    await fsyncDir(this.logsDir);
    await rm(doomed, { recursive: true, force: true });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.logs.keys()].map((name) => this.closeLog(name)));
  }

  private async closeLog(name: string): Promise<void> {
    const log = await this.logs.get(name)?.catch(() => undefined);
    await log?.close();
  }

  private forget(name: string, log: Promise<FilePartitionLog> | undefined): void {
    if (this.logs.get(name) === log) this.logs.delete(name);
  }
}
