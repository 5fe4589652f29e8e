/**
 * Publisher flow control for one queue: the queue is under pressure while the bytes it has taken in
 * but not yet absorbed (appends not yet written to its log) exceed a threshold, and is relieved once
 * they fall below half of it. Publishers that sent into a queue under pressure stop reading more
 * input until every queue they wait on is relieved.
 */

/** Pressure starts above this many unabsorbed bytes; relief comes below half of it. */
export const FLOW_PRESSURE_BYTES = 8 * 1024 * 1024;

/** Memory a message being appended costs beyond its body (objects, encoded record, promise chain): about 1 KiB measured. */
export const FLOW_MESSAGE_OVERHEAD = 1024;

/** A publisher waiting for queues to be relieved. */
export interface FlowListener {
  /** `flow` is relieved (or its queue is gone); called once per `wait`. */
  relieved(flow: QueueFlow): void;
}

/** Pressure state of one queue and the publishers waiting on it. */
export class QueueFlow {
  /** True while publishers should stop sending into the queue. */
  pressured = false;
  private bytes = 0;
  private readonly listeners = new Set<FlowListener>();

  constructor(private readonly threshold = FLOW_PRESSURE_BYTES) {}

  /** Bytes taken in and not yet absorbed. */
  get backlogBytes(): number {
    return this.bytes;
  }

  /** The queue took in `bytes` more. */
  add(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes > this.threshold) this.pressured = true;
  }

  /** The queue absorbed `bytes`. */
  remove(bytes: number): void {
    this.bytes -= bytes;
    if (this.pressured && this.bytes < this.threshold / 2) this.relieve();
  }

  /** Calls `listener.relieved` once this queue is relieved; false (and no call) if it is not under pressure. */
  wait(listener: FlowListener): boolean {
    if (!this.pressured) return false;
    this.listeners.add(listener);
    return true;
  }

  /** Stops waiting (the publisher is gone). */
  unwait(listener: FlowListener): void {
    this.listeners.delete(listener);
  }

  /** Ends the pressure and wakes every waiting publisher. */
  private relieve(): void {
    this.pressured = false;
    const waiting = [...this.listeners];
    this.listeners.clear();
    for (const listener of waiting) listener.relieved(this);
  }
}
