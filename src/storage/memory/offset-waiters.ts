/**
 * Long-poll waiters of one log: each waits until the high watermark passes an offset or its
 * timeout fires, whichever comes first. No polling: appends call `notify`.
 */

interface Waiter {
  offset: number;
  resolve(arrived: boolean): void;
  timer: NodeJS.Timeout;
}

/** The pending `waitForData` calls of one log. */
export class OffsetWaiters {
  private waiters: Waiter[] = [];

  /** Resolves true once `notify` reports a high watermark above `offset`, false after `timeoutMs`. */
  wait(offset: number, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        offset,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        }, Math.max(0, timeoutMs)),
      };
      this.waiters.push(waiter);
    });
  }

  /** Wakes every waiter whose offset is now below `highWatermark`. */
  notify(highWatermark: number): void {
    if (this.waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.offset < highWatermark) this.settle(waiter, true);
      else still.push(waiter);
    }
    this.waiters = still;
  }

  /** Ends every wait with false (the log is closing). */
  cancelAll(): void {
    for (const waiter of this.waiters) this.settle(waiter, false);
    this.waiters = [];
  }

  private settle(waiter: Waiter, arrived: boolean): void {
    clearTimeout(waiter.timer);
    waiter.resolve(arrived);
  }
}
