/** How a run of confirmed publishes is reported: basic.ack or basic.nack up to `deliveryTag`. */
export interface ConfirmRun {
  ack: boolean;
  deliveryTag: number;
  multiple: boolean;
}

/**
 * Publisher-confirm bookkeeping of one channel. Each publish gets the next sequence number; outcomes
 * may arrive out of order, and are reported in order, as runs: consecutive outcomes of the same kind
 * collapse into one ack/nack with `multiple` set.
 */
export class ConfirmTracker {
  private nextSeq = 1;
  /** Lowest sequence number not yet reported. */
  private lowest = 1;
  /** Settled outcomes not yet reported, as runs keyed by their first sequence number. */
  private readonly settled = new Map<number, { last: number; ack: boolean }>();

  /** Assigns the sequence number of a new publish. */
  register(): number {
    return this.nextSeq++;
  }

  /** Records one outcome (true: ack, false: nack) for the publishes `first` to `last` (none of them settled before). */
  settle(first: number, last: number, ack: boolean): void {
    this.settled.set(first, { last, ack });
  }

  /** True when settled outcomes wait to be reported. */
  get hasReportable(): boolean {
    return this.settled.has(this.lowest);
  }

  /** Takes the runs reportable now (all settled outcomes contiguous from the lowest unreported one). */
  takeRuns(): ConfirmRun[] {
    const runs: ConfirmRun[] = [];
    let next = this.settled.get(this.lowest);
    while (next !== undefined) {
      const { ack } = next;
      const first = this.lowest;
      while (next !== undefined && next.ack === ack) {
        this.settled.delete(this.lowest);
        this.lowest = next.last + 1;
        next = this.settled.get(this.lowest);
      }
      runs.push({ ack, deliveryTag: this.lowest - 1, multiple: this.lowest - 1 > first });
    }
    return runs;
  }
}
