import { statfs } from 'node:fs/promises';
import { totalmem } from 'node:os';

/** Limits under which publishers are blocked, as RabbitMQ's memory and disk alarms do. */
export interface ResourceLimits {
  /** Block publishers while the process's resident memory exceeds this many bytes (default 40% of RAM). */
  memoryHighWatermarkBytes?: number;
  /** Block publishers while the data directory's file system has less free space than this (default 50 MB). */
  diskFreeLimitBytes?: number;
  /** How often to check (default 2 s). */
  intervalMs?: number;
}

/**
 * Watches memory use and free disk space and reports the first limit crossed (or undefined when all is
 * well) each time the state changes. With no data directory (memory storage) only memory is watched.
 */
export class ResourceAlarm {
  private timer: NodeJS.Timeout | undefined;
  private reason: string | undefined;
  private checking = false;

  constructor(
    private readonly dataDir: string | undefined,
    private readonly limits: ResourceLimits,
    private readonly onChange: (reason: string | undefined) => void,
  ) {}

  /** Starts periodic checks (the timer does not keep the process alive). */
  start(): void {
    this.timer = setInterval(() => {
      this.check().catch((error: unknown) => console.error(`switchyard: resource check failed: ${(error as Error).message}`));
    }, this.limits.intervalMs ?? 2000);
    this.timer.unref();
  }

  /** Checks now; resolves with the reason the alarm is raised, if it is. */
  async check(): Promise<string | undefined> {
    if (this.checking) return this.reason;
    this.checking = true;
    try {
      const reason = (await this.diskReason()) ?? this.memoryReason();
      if (reason !== this.reason) {
        this.reason = reason;
        this.onChange(reason);
      }
      return reason;
    } finally {
      this.checking = false;
    }
  }

  /** Stops checking. */
  stop(): void {
    clearInterval(this.timer);
  }

  private memoryReason(): string | undefined {
    const limit = this.limits.memoryHighWatermarkBytes ?? Math.floor(totalmem() * 0.4);
    const rss = process.memoryUsage.rss();
    return rss > limit ? `low on memory: ${mebibytes(rss)} resident, high watermark ${mebibytes(limit)}` : undefined;
  }

  private async diskReason(): Promise<string | undefined> {
    if (this.dataDir === undefined) return undefined;
    const limit = this.limits.diskFreeLimitBytes ?? 50_000_000;
    const stats = await statfs(this.dataDir);
    const free = stats.bavail * stats.bsize;
    return free < limit ? `low on disk: ${mebibytes(free)} free in ${this.dataDir}, limit ${mebibytes(limit)}` : undefined;
  }
}

function mebibytes(bytes: number): string {
  return `${(bytes / 1048576).toFixed(0)} MiB`;
}
