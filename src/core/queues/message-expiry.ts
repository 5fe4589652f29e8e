/** Message TTL in classic and quorum queues: messages expire from the head of each lane, as RabbitMQ does. */
import { LOADING, type Lane } from './lane.js';
import type { QueuedMessage } from './message.js';

/** What expiring messages needs from the queue. */
export interface ExpiryHost {
  /** The queue's priority lanes. */
  readonly lanes: readonly Lane[];
  /** True once the queue is deleted: nothing expires any more. */
  isDeleted(): boolean;
  /** Settles (and dead-letters) a ready message whose TTL has run out. */
  expire(lane: Lane, message: QueuedMessage): void;
  /** Reports a background failure. */
  fail(err: unknown): void;
}

/** One queue's expiry timer, armed for the earliest expiry among the messages at the heads of its lanes. */
export class HeadExpiry {
  private timer: NodeJS.Timeout | undefined;
  private at = Infinity;
  private running = false;

  /** `mayExpire`: the queue may hold a message with a TTL (it has a queue TTL); set as such messages appear. */
  constructor(
    private readonly host: ExpiryHost,
    private mayExpire: boolean,
  ) {}

  /** Arms the timer for the messages now at the head of each lane. */
  armHeads(): void {
    if (!this.mayExpire) return;
    for (const lane of this.host.lanes) {
      const m = lane.peek();
      if (m !== undefined && m !== LOADING && m.expiresAt !== Infinity) this.arm(m.expiresAt);
    }
  }

  /** Arms the timer for a message expiring at `at` (ms since the epoch), unless it is already due sooner. */
  arm(at: number): void {
    this.mayExpire = true;
    if (at >= this.at || this.host.isDeleted()) return;
    clearTimeout(this.timer);
    this.at = at;
    this.timer = setTimeout(() => this.expireHeads(), Math.max(0, at - Date.now() + 1));
    this.timer.unref();
  }

  /** Stops the timer (the queue is going away). */
  stop(): void {
    clearTimeout(this.timer);
  }

  /** Expires messages at the head of each lane whose time has come, then re-arms for the next head. */
  private expireHeads(): void {
    this.at = Infinity;
    if (this.running || this.host.isDeleted()) return;
    this.running = true;
    const run = async (): Promise<void> => {
      for (const lane of this.host.lanes) {
        for (;;) {
          if (this.host.isDeleted()) return;
          const m = lane.peek();
          if (m === LOADING) {
            await lane.whenLoaded();
            continue;
          }
          if (m === undefined) break;
          if (m.expiresAt < Date.now()) {
            this.host.expire(lane, m);
            continue;
          }
          if (m.expiresAt !== Infinity) this.arm(m.expiresAt);
          break;
        }
      }
    };
    run()
      .catch((err: unknown) => this.host.fail(err))
      .finally(() => {
        this.running = false;
      });
  }
}
