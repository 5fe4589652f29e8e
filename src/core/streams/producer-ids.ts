/**
 * Producer id allocation. Ids are handed out from blocks whose upper bound is persisted before
 * any id of the block is used, so a restarted broker never hands out an id twice.
 */

/** How many ids one persisted block covers. */
const BLOCK_SIZE = 1000;

/** Persists the exclusive upper bound of the ids that may have been handed out. */
export type PersistBound = (bound: number) => Promise<void>;

/** Hands out unique producer ids. */
export class ProducerIdAllocator {
  private next: number;
  private pendingBlock: Promise<void> | null = null;

  /** `bound` is the persisted upper bound from the previous run (0 for a new broker). */
  constructor(
    private bound: number,
    private readonly persist: PersistBound,
  ) {
    this.next = bound;
  }

  /** A fresh producer id. */
  async allocate(): Promise<number> {
    while (this.next >= this.bound) {
      this.pendingBlock ??= this.extend();
      await this.pendingBlock;
    }
    return this.next++;
  }

  private async extend(): Promise<void> {
    try {
      const bound = this.bound + BLOCK_SIZE;
      await this.persist(bound);
      this.bound = bound;
    } finally {
      this.pendingBlock = null;
    }
  }
}
