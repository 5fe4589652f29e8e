import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat CPU times (sysconf CLK_TCK, 100 on Linux nearly always). */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** User plus system CPU seconds a process has used so far (its own threads, not its children). */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  // fields[0] is stat field 3 (state); utime and stime are stat fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident set size now (VmRSS) and its high-water mark (VmHWM) in bytes, from /proc/<pid>/status. */
export function memory(pid: number): { rss: number; hwm: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

/** Resets a process's VmHWM to its current RSS (writes 5 to /proc/<pid>/clear_refs); false when not allowed. */
function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Pids of every live descendant of `pid` (children, grandchildren, ...). */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const parent = Number(statFields(Number(name))[1]);
      parents.set(parent, [...(parents.get(parent) ?? []), Number(name)]);
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const pending = [pid];
  while (pending.length > 0) {
    for (const child of parents.get(pending.pop()!) ?? []) {
      found.push(child);
      pending.push(child);
    }
  }
  return found;
}

/** The executable name of a process (from /proc/<pid>/comm), or undefined once it is gone. */
export function processName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** What a ProcessMeter saw between start and stop. */
export interface ProcessUsage {
  cpuSeconds: number;
  peakRssBytes: number;
  /** RSS samples taken while metering: milliseconds since start, bytes. */
  rssSeries: [number, number][];
}

/**
 * Measures one process over an interval: CPU seconds as the difference of /proc/<pid>/stat times, peak RSS
 * as VmHWM (reset at start when the kernel lets us) and the largest VmRSS sample taken every `everyMs`.
 */
export class ProcessMeter {
  private readonly startCpu: number;
  private readonly started = performance.now();
  private readonly hwmReset: boolean;
  private readonly series: [number, number][] = [];
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  /** Starts metering `pid` now. */
  constructor(
    private readonly pid: number,
    everyMs = 100,
  ) {
    this.startCpu = cpuSeconds(pid);
    this.hwmReset = resetPeakRss(pid);
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  private sample(): void {
    try {
      const { rss } = memory(this.pid);
      this.peak = Math.max(this.peak, rss);
      this.series.push([Math.round(performance.now() - this.started), rss]);
    } catch {
      // the process exited; the last samples stand
    }
  }

  /** Stops metering and returns the usage seen. */
  stop(): ProcessUsage {
    clearInterval(this.timer);
    this.sample();
    let cpu = NaN;
    try {
      cpu = cpuSeconds(this.pid) - this.startCpu;
      if (this.hwmReset) this.peak = Math.max(this.peak, memory(this.pid).hwm);
    } catch {
      // gone: keep the sampled figures
    }
    return { cpuSeconds: cpu, peakRssBytes: this.peak, rssSeries: this.series };
  }
}
