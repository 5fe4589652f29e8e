/**
 * Writes responses in request order although they may complete out of order: each request takes a
 * slot when it arrives, and completed slots are flushed from the head only.
 */
export class ResponseQueue {
  private readonly slots: { done: boolean; data: Buffer[] | null }[] = [];

  /** `send` writes one framed response (one or more buffers) to the socket. */
  constructor(private readonly send: (data: Buffer[]) => void) {}

  /** Requests taken but not yet flushed. */
  get pending(): number {
    return this.slots.length;
  }

  /** Reserves the next position; call the returned function with the response (or null for none). */
  reserve(): (data: Buffer[] | null) => void {
    const slot: { done: boolean; data: Buffer[] | null } = { done: false, data: null };
    this.slots.push(slot);
    return (data) => {
      slot.done = true;
      slot.data = data;
      this.flush();
    };
  }

  private flush(): void {
    while (this.slots.length > 0 && this.slots[0].done) {
      const { data } = this.slots.shift()!;
      if (data !== null) this.send(data);
    }
  }
}
