/** Length limits of classic and quorum queues (x-max-length, x-max-length-bytes) and their drop-head overflow. */
import { Lane } from './lane.js';
import type { QueuedMessage } from './message.js';
import type { QueueSettings } from './queue-arguments.js';

/** What enforcing length limits needs from the queue. */
export interface LimitsHost {
  /** True once the queue is deleted: nothing is dropped any more. */
  isDeleted(): boolean;
  /** Ready messages already stored (appends in progress excluded). */
  storedReadyCount(): number;
  /** The next ready message by priority, the lane being read if it must wait, or undefined. */
  nextReady(): [Lane, QueuedMessage] | Lane | undefined;
  /** Settles and dead-letters (reason maxlen) a ready message. */
  drop(lane: Lane, message: QueuedMessage): void;
  /** Reports a background failure. */
  fail(err: unknown): void;
}

/** A queue's body-byte accounting held against its length limits. */
export class LengthLimits {
  /** Body bytes of stored unsettled messages. */
  storedBytes = 0;
  /** Body bytes of messages out for delivery. */
  inflightBytes = 0;
  private enforcing = false;

  constructor(
    private readonly settings: QueueSettings,
    private readonly host: LimitsHost,
  ) {}

  /**
   * True if a message of `size` body bytes would exceed a limit; `readyCount` and `pendingBytes`
   * count the messages still being appended as ready.
   */
  isFullFor(size: number, readyCount: number, pendingBytes: number): boolean {
    const { maxLength, maxLengthBytes } = this.settings;
    if (maxLength !== undefined && readyCount >= maxLength) return true;
    const readyBytes = this.storedBytes + pendingBytes - this.inflightBytes;
    return maxLengthBytes !== undefined && readyBytes + size > maxLengthBytes;
  }

  /**
   * Drops (and dead-letters, reason maxlen) the oldest ready messages until the queue is within its
   * limits. Runs synchronously unless the head must first be read from the log: every message of a
   * batch that lands in one go is checked against the limits as it is stored, as if it came alone.
   */
  enforce(): void {
    if (this.enforcing) return;
    try {
      while (!this.host.isDeleted() && this.isOverLimit()) {
        const next = this.host.nextReady();
        if (next === undefined) return;
        if (next instanceof Lane) {
          this.enforcing = true;
          void next.whenLoaded().then(() => {
            this.enforcing = false;
            this.enforce();
          });
          return;
        }
        this.host.drop(next[0], next[1]);
      }
    } catch (err) {
      this.host.fail(err);
    }
  }

  private isOverLimit(): boolean {
    const { maxLength, maxLengthBytes } = this.settings;
    if (maxLength !== undefined && this.host.storedReadyCount() > maxLength) return true;
    return maxLengthBytes !== undefined && this.storedBytes - this.inflightBytes > maxLengthBytes;
  }
}
