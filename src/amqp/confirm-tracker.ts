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
  private readonly outcomes = new Map<number, boolean>();

  /** Assigns the sequence number of a new publish. */
  register(): number {
    return this.nextSeq++;
  }

  /** Records the outcome of publish `seq` (true: ack, false: nack). */
  settle(seq: number, ack: boolean): void {
    this.outcomes.set(seq, ack);
  }

  /** True when settled outcomes wait to be reported. */
  get hasReportable(): boolean {
    return this.outcomes.has(this.lowest);
  }

  /** Takes the runs reportable now (all settled outcomes contiguous from the lowest unreported one). */
  takeRuns(): ConfirmRun[] {
    const runs: ConfirmRun[] = [];
    while (this.outcomes.has(this.lowest)) {
      const ack = this.outcomes.get(this.lowest)!;
      const first = this.lowest;
      while (this.outcomes.get(this.lowest) === ack) {
        this.outcomes.delete(this.lowest);
        this.lowest++;
      }
      runs.push({ ack, deliveryTag: this.lowest - 1, multiple: this.lowest - 1 > first });
    }
    return runs;
  }
}
