import type { Socket } from 'node:net';

/** Why reading from a socket is paused. */
export type ReadPauseReason = 'output-full' | 'blocked' | 'flow';

/** Pauses reading from a socket while any reason holds, resumes when none does. */
export class ReadGate {
  private readonly reasons = new Set<ReadPauseReason>();

  constructor(private readonly socket: Socket) {}

  /** True while reading is paused. */
  get paused(): boolean {
    return this.reasons.size > 0;
  }

  close(reason: ReadPauseReason): void {
    if (this.reasons.size === 0) this.socket.pause();
    this.reasons.add(reason);
  }

  open(reason: ReadPauseReason): void {
    if (!this.reasons.delete(reason) || this.reasons.size > 0) return;
    this.socket.resume();
  }
}
