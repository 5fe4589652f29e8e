/** The timers of a group's join phase. */

/**
 * The rebalance timeout, after which members that have not rejoined are dropped, and the initial
 * rebalance delay, which lets the first members of an empty group join the same generation.
 */
export class RebalanceTimers {
  private timeout: NodeJS.Timeout | null = null;
  private initialDelay: NodeJS.Timeout | null = null;
  private delaying = false;

  /** `timedOut` runs when the rebalance timeout passes, `delayOver` when the initial delay does. */
  constructor(
    private readonly timedOut: () => void,
    private readonly delayOver: () => void,
  ) {}

  /** True while the initial delay runs: the join phase does not end early. */
  get inInitialDelay(): boolean {
    return this.delaying;
  }

  /** (Re)starts the rebalance timeout and, if `initialDelayMs` > 0, the initial delay (at most the timeout). */
  start(timeoutMs: number, initialDelayMs: number): void {
    if (this.timeout) clearTimeout(this.timeout);
    // Not unref'd: JoinGroup requests are waiting on this timer.
    this.timeout = setTimeout(this.timedOut, timeoutMs);
    if (initialDelayMs <= 0) return;
    this.delaying = true;
    this.initialDelay = setTimeout(() => {
      this.delaying = false;
      this.initialDelay = null;
      this.delayOver();
    }, Math.min(initialDelayMs, timeoutMs));
  }

  /** Stops both timers. */
  stop(): void {
    if (this.timeout) clearTimeout(this.timeout);
    if (this.initialDelay) clearTimeout(this.initialDelay);
    this.timeout = null;
    this.initialDelay = null;
    this.delaying = false;
  }
}
