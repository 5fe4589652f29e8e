/**
 * Readers for the standard consumer protocol's opaque group bytes (protocol type "consumer"):
 * the subscription a member sends in JoinGroup and the assignment the leader hands out. The
 * coordinator passes these bytes through untouched; it reads them only to describe groups. Every
 * length is checked against the bytes left; malformed input yields null.
 *
 *   Subscription: version int16, topics [string], userData bytes, ... (later fields ignored)
 *   Assignment:   version int16, partitions [topic string, partitions [int32]], userData bytes
 */

/** A bounds-checked big-endian cursor that signals running out of bytes by returning null. */
class Cursor {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  int16(): number | null {
    if (this.buf.length - this.pos < 2) return null;
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number | null {
    if (this.buf.length - this.pos < 4) return null;
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  string(): string | null {
    const length = this.int16();
    if (length === null || length < 0 || length > this.buf.length - this.pos) return null;
    const s = this.buf.toString('utf8', this.pos, this.pos + length);
    this.pos += length;
    return s;
  }

  /** An array count, refused if even the smallest elements could not fit in what is left. */
  count(minElementBytes: number): number | null {
    const n = this.int32();
    if (n === null || n < 0 || n * minElementBytes > this.buf.length - this.pos) return null;
    return n;
  }
}

/** The topics a consumer subscribes to, or null if the bytes are not a consumer subscription. */
export function readSubscriptionTopics(metadata: Buffer): string[] | null {
  const c = new Cursor(metadata);
  if (c.int16() === null) return null;
  const n = c.count(2);
  if (n === null) return null;
  const topics: string[] = [];
  for (let i = 0; i < n; i++) {
    const topic = c.string();
    if (topic === null) return null;
    topics.push(topic);
  }
  return topics;
}

/** The partitions in a consumer assignment, or null if the bytes are not one (empty bytes: none). */
export function readAssignment(assignment: Buffer): { topic: string; partitions: number[] }[] | null {
  if (assignment.length === 0) return [];
  const c = new Cursor(assignment);
  if (c.int16() === null) return null;
  const n = c.count(6);
  if (n === null) return null;
  const out: { topic: string; partitions: number[] }[] = [];
  for (let i = 0; i < n; i++) {
    const topic = c.string();
    const count = c.count(4);
    if (topic === null || count === null) return null;
    const partitions: number[] = [];
    for (let p = 0; p < count; p++) partitions.push(c.int32() as number);
    out.push({ topic, partitions });
  }
  return out;
}
