/**
 * Stream queues (x-queue-type stream): an append-only log that acks do not consume. Each consumer reads
 * from its own position, chosen with the x-stream-offset consume argument (first, last, next, an offset,
 * a timestamp, or an interval such as "1h" back from now); deliveries carry an x-stream-offset header.
 * Retention comes from x-max-age and x-max-length-bytes.
 */
import { BrokerError } from '../errors.js';
import { decodeRecords, encodeBatch, splitBatches } from '../../storage/record-batch.js';
import type { LogStore, PartitionLog } from '../../storage/types.js';
import type { Consumer } from './consumer.js';
import { numericValue, type FieldValue } from './field-values.js';
import { contentFromRecord, queuedMessage, type MessageContent, type QueuedMessage, type SharedRecord } from './message.js';
import type { QueueSettings } from './queue-arguments.js';
import { BrokerQueue, type EnqueueResult, type QueueDefinition, type QueueHooks } from './queue-base.js';

const READ_BYTES = 256 * 1024;
const RETENTION_INTERVAL_MS = 60_000;
const INTERVAL_UNITS: Record<string, number> = { Y: 365 * 86400e3, M: 30 * 86400e3, D: 86400e3, h: 3600e3, m: 60e3, s: 1e3 };

function noop(): void {}

/** Where a stream consumer is in the log. */
interface Cursor {
  /** Next offset to read; undefined until a timestamp start position is resolved. */
  next: number | undefined;
  buffer: QueuedMessage[];
  loading: boolean;
}

/** A stream queue. */
export class StreamQueue extends BrokerQueue {
  private readonly cursors = new Map<Consumer, Cursor>();
  private retentionTimer: NodeJS.Timeout | undefined;

  private constructor(
    vhost: string,
    definition: QueueDefinition,
    settings: QueueSettings,
    hooks: QueueHooks,
    private readonly store: LogStore,
    private readonly log: PartitionLog,
  ) {
    super(vhost, definition, settings, hooks);
    this.retentionTimer = setInterval(() => {
      this.log.applyRetention().catch((err: unknown) => this.fail(err));
    }, RETENTION_INTERVAL_MS);
    this.retentionTimer.unref();
  }

  /** Opens the stream's log with its retention settings. */
  static async open(store: LogStore, vhost: string, definition: QueueDefinition, settings: QueueSettings, hooks: QueueHooks): Promise<StreamQueue> {
    const log = await store.open(definition.logName, {
      retentionMs: settings.maxAgeMs ?? -1,
      retentionBytes: settings.maxLengthBytes ?? -1,
      ...(settings.streamSegmentBytes !== undefined ? { segmentBytes: settings.streamSegmentBytes } : {}),
    });
    return new StreamQueue(vhost, definition, settings, hooks, store, log);
  }

  get readyCount(): number {
    return this.log.highWatermark - this.log.startOffset;
  }

  get unackedCount(): number {
    let n = 0;
    for (const c of this.consumers) n += c.unacked;
    return n;
  }

  get cachedCount(): number {
    let n = 0;
    for (const cursor of this.cursors.values()) n += cursor.buffer.length;
    return n;
  }

  /** A stored message is readable: consumers waiting at the end of the stream get it. */
  private readonly readable = (): void => this.scheduleDispatch();

  enqueue(_content: MessageContent, record: SharedRecord): EnqueueResult {
    const stored = this.log.append(encodeBatch([record.get()]), { onReadable: this.readable }).then(noop);
    return { rejected: false, stored };
  }

  get(): Promise<QueuedMessage | undefined> {
    // RabbitMQ closes the connection (540) for this, not just the channel.
    return Promise.reject(new BrokerError('NOT_IMPLEMENTED', `basic.get not supported by stream queues queue '${this.name}' in vhost '${this.vhost}'`));
  }

  ack(): void {}

  requeue(): void {}

  reject(): void {}

  purge(): number {
    throw new BrokerError('PRECONDITION_FAILED', `queue '${this.name}' in vhost '${this.vhost}' is a stream: purge is not supported`);
  }

  override addConsumer(consumer: Consumer): void {
    if (consumer.noAck) throw new BrokerError('PRECONDITION_FAILED', `queue '${this.name}' in vhost '${this.vhost}' is a stream: consumers must acknowledge`);
    const cursor: Cursor = { next: undefined, buffer: [], loading: false };
    this.startPosition(consumer.args['x-stream-offset'], cursor);
    this.cursors.set(consumer, cursor);
    super.addConsumer(consumer);
  }

  override removeConsumer(consumer: Consumer): void {
    this.cursors.delete(consumer);
    super.removeConsumer(consumer);
  }

  async release(deleteLogs: boolean): Promise<void> {
    clearInterval(this.retentionTimer);
    await this.log.close();
    if (deleteLogs) await this.store.delete(this.log.name);
  }

  protected dispatch(): void {
    for (const consumer of this.consumers) {
      const cursor = this.cursors.get(consumer);
      if (!cursor || cursor.next === undefined) continue;
      while (consumer.canReceive()) {
        const message = cursor.buffer.shift();
        if (message === undefined) {
          this.load(cursor);
          break;
        }
        consumer.host.deliver(consumer, this, message);
      }
    }
  }

  /** Sets the cursor's start from an x-stream-offset value (default: next). 406 for a value it cannot read. */
  private startPosition(spec: FieldValue | undefined, cursor: Cursor): void {
    const start = this.log.startOffset;
    const end = this.log.highWatermark;
    const bad = (): BrokerError => new BrokerError('PRECONDITION_FAILED', `invalid x-stream-offset ${JSON.stringify(String(spec))}`);
    if (spec === undefined || spec === 'next') {
      cursor.next = end;
    } else if (spec === 'first') {
      cursor.next = start;
    } else if (spec === 'last') {
      cursor.next = Math.max(start, end - 1);
    } else if (spec instanceof Date) {
      this.seekTimestamp(spec.getTime(), cursor);
    } else if (typeof spec === 'string') {
      const m = /^(\d+)([YMDhms])$/.exec(spec);
      if (!m) throw bad();
      this.seekTimestamp(Date.now() - Number(m[1]) * INTERVAL_UNITS[m[2]], cursor);
    } else {
      const n = numericValue(spec);
      if (n === undefined || !Number.isInteger(n) || n < 0) throw bad();
      cursor.next = Math.min(Math.max(n, start), end);
    }
  }

  private seekTimestamp(timestamp: number, cursor: Cursor): void {
    this.log
      .offsetForTimestamp(timestamp)
      .then((offset) => {
        cursor.next = offset ?? this.log.highWatermark;
        this.scheduleDispatch();
      })
      .catch((err: unknown) => this.fail(err));
  }

  private load(cursor: Cursor): void {
    if (cursor.loading || cursor.next === undefined) return;
    const from = Math.max(cursor.next, this.log.startOffset);
    if (from >= this.log.highWatermark) return;
    cursor.loading = true;
    this.log
      .read(from, READ_BYTES)
      .then((result) => {
        for (const batch of splitBatches(result.data)) {
          for (const record of decodeRecords(batch)) {
            if (record.offset < from) continue;
            const content = contentFromRecord(record);
            const headers = { ...(content.properties.headers ?? {}), 'x-stream-offset': record.offset };
            const withOffset = { ...content, properties: { ...content.properties, headers } };
            cursor.buffer.push(queuedMessage(withOffset, record.offset, 0, Infinity, false));
          }
        }
        cursor.next = result.nextOffset;
      })
      .catch((err: unknown) => this.fail(err))
      .finally(() => {
        cursor.loading = false;
        this.scheduleDispatch();
      });
  }
}
