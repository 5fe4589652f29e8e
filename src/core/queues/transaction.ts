/**
 * A channel transaction (tx.select): publishes and acknowledgements are held, in order, until commit
 * applies them or rollback discards them. Held publishes resolve when committed and stored, or as
 * discarded when rolled back.
 */
import type { PublishResult } from './types.js';

/** What an acknowledgement does to its deliveries. */
export type Settlement = 'ack' | 'requeue' | 'reject';

type Operation =
  | { kind: 'publish'; run: () => Promise<PublishResult>; resolve: (r: PublishResult) => void; reject: (err: unknown) => void }
  | { kind: 'settle'; tags: number[]; settlement: Settlement };

/** The pending work of one transaction. */
export class Transaction {
  private operations: Operation[] = [];

  /** Holds a publish until commit; the promise settles with its outcome. */
  addPublish(run: () => Promise<PublishResult>): Promise<PublishResult> {
    return new Promise((resolve, reject) => this.operations.push({ kind: 'publish', run, resolve, reject }));
  }

  /** Holds an acknowledgement until commit. */
  addSettlement(tags: number[], settlement: Settlement): void {
    this.operations.push({ kind: 'settle', tags, settlement });
  }

  /** Applies everything held, in order; resolves once every held publish is stored. */
  async commit(settle: (tags: number[], settlement: Settlement) => void): Promise<void> {
    const operations = this.operations;
    this.operations = [];
    const stored: Promise<unknown>[] = [];
    for (const op of operations) {
      if (op.kind === 'settle') {
        settle(op.tags, op.settlement);
        continue;
      }
      let outcome: Promise<PublishResult>;
      try {
        outcome = op.run();
      } catch (err) {
        outcome = Promise.reject(err);
      }
      outcome.then(op.resolve, op.reject);
      stored.push(outcome);
    }
    await Promise.all(stored);
  }

  /** Discards everything held. */
  rollback(): void {
    for (const op of this.operations) if (op.kind === 'publish') op.resolve({ routed: true, rejected: false, discarded: true });
    this.operations = [];
  }
}
