/**
 * Durable definitions (vhosts, durable exchanges, durable queues, bindings between durable ends),
 * kept as a log of events in the store and replayed on open. Every so many events a snapshot of the
 * whole state is appended and the events before it are deleted, so the log stays small.
 *
 * Durability: `record` resolves once the event is acknowledged by the log (fsync mode of the store),
 * so a declare-ok is only sent for a definition that survives a crash.
 */
import { decodeRecords, encodeBatch, splitBatches } from '../../storage/record-batch.js';
import type { LogStore, PartitionLog } from '../../storage/types.js';
import { BrokerError } from '../errors.js';
import { canonicalKey, decodeFieldTable, encodeFieldValue } from './field-codec.js';
import type { FieldTable, FieldValue } from './field-values.js';

/** Name of the log holding the definitions. */
export const METADATA_LOG = '__switchyard.amqp.metadata';

const SNAPSHOT_EVERY = 1000;

/** A durable exchange. */
export interface ExchangeRecord {
  vhost: string;
  name: string;
  type: string;
  autoDelete: boolean;
  internal: boolean;
  arguments: FieldTable;
}

/** A durable queue. */
export interface QueueRecord {
  vhost: string;
  name: string;
  autoDelete: boolean;
  arguments: FieldTable;
  logName: string;
}

/** A durable binding. */
export interface BindingRecord {
  vhost: string;
  source: string;
  destination: string;
  destinationType: 'queue' | 'exchange';
  routingKey: string;
  arguments: FieldTable;
}

/** A change to the durable definitions. */
export type MetadataEvent =
  | { op: 'vhost.add'; name: string }
  | { op: 'vhost.delete'; name: string }
  | { op: 'exchange.add'; exchange: ExchangeRecord }
  | { op: 'exchange.delete'; vhost: string; name: string }
  | { op: 'queue.add'; queue: QueueRecord }
  | { op: 'queue.delete'; vhost: string; name: string }
  | { op: 'binding.add'; binding: BindingRecord }
  | { op: 'binding.delete'; binding: BindingRecord };

const key = (vhost: string, name: string): string => `${vhost}\u0000${name}`;

/** The identity of a binding record. */
export function bindingRecordKey(b: BindingRecord): string {
  return [b.vhost, b.source, b.destinationType, b.destination, b.routingKey, canonicalKey(b.arguments)].join('\u0000');
}

/** The durable definitions at one point of the log. */
export class MetadataState {
  readonly vhosts = new Set<string>();
  readonly exchanges = new Map<string, ExchangeRecord>();
  readonly queues = new Map<string, QueueRecord>();
  readonly bindings = new Map<string, BindingRecord>();

  /** Applies one event. */
  apply(event: MetadataEvent): void {
    switch (event.op) {
      case 'vhost.add':
        this.vhosts.add(event.name);
        return;
      case 'vhost.delete':
        this.vhosts.delete(event.name);
        for (const map of [this.exchanges, this.queues, this.bindings] as Map<string, { vhost: string }>[]) {
          for (const [k, v] of map) if (v.vhost === event.name) map.delete(k);
        }
        return;
      case 'exchange.add':
        this.exchanges.set(key(event.exchange.vhost, event.exchange.name), event.exchange);
        return;
      case 'exchange.delete':
        this.exchanges.delete(key(event.vhost, event.name));
        this.dropBindings(event.vhost, (b) => b.source === event.name || (b.destinationType === 'exchange' && b.destination === event.name));
        return;
      case 'queue.add':
        this.queues.set(key(event.queue.vhost, event.queue.name), event.queue);
        return;
      case 'queue.delete':
        this.queues.delete(key(event.vhost, event.name));
        this.dropBindings(event.vhost, (b) => b.destinationType === 'queue' && b.destination === event.name);
        return;
      case 'binding.add':
        this.bindings.set(bindingRecordKey(event.binding), event.binding);
        return;
      case 'binding.delete':
        this.bindings.delete(bindingRecordKey(event.binding));
        return;
    }
  }

  /** The whole state as one table (a snapshot record). */
  toSnapshot(): FieldTable {
    return {
      op: 'snapshot',
      vhosts: [...this.vhosts],
      exchanges: [...this.exchanges.values()] as unknown as FieldValue[],
      queues: [...this.queues.values()] as unknown as FieldValue[],
      bindings: [...this.bindings.values()] as unknown as FieldValue[],
    };
  }

  /** Replaces the state with a snapshot's. */
  loadSnapshot(snapshot: FieldTable): void {
    this.vhosts.clear();
    this.exchanges.clear();
    this.queues.clear();
    this.bindings.clear();
    for (const v of list(snapshot['vhosts'])) this.vhosts.add(String(v));
    for (const e of list(snapshot['exchanges']) as unknown as ExchangeRecord[]) this.exchanges.set(key(e.vhost, e.name), e);
    for (const q of list(snapshot['queues']) as unknown as QueueRecord[]) this.queues.set(key(q.vhost, q.name), q);
    for (const b of list(snapshot['bindings']) as unknown as BindingRecord[]) this.bindings.set(bindingRecordKey(b), b);
  }

  private dropBindings(vhost: string, test: (b: BindingRecord) => boolean): void {
    for (const [k, b] of this.bindings) if (b.vhost === vhost && test(b)) this.bindings.delete(k);
  }
}

function list(v: FieldValue | undefined): FieldValue[] {
  if (!Array.isArray(v)) throw new BrokerError('INTERNAL_ERROR', 'damaged metadata snapshot');
  return v;
}

/** The metadata log and the state it describes. */
export class MetadataLog {
  readonly state = new MetadataState();
  private sinceSnapshot = 0;
  private snapshotting: Promise<void> = Promise.resolve();

  private constructor(private readonly log: PartitionLog) {}

  /** Opens the log and replays it. */
  static async open(store: LogStore): Promise<MetadataLog> {
    const log = await store.open(METADATA_LOG, { retentionMs: -1, retentionBytes: -1 });
    const metadata = new MetadataLog(log);
    let offset = log.startOffset;
    while (offset < log.highWatermark) {
      const { data, nextOffset } = await log.read(offset, 1024 * 1024);
      for (const batch of splitBatches(data)) {
        for (const record of decodeRecords(batch)) {
          if (record.offset < offset || record.value === null) continue;
          metadata.replay(decodeFieldTable(record.value));
        }
      }
      offset = nextOffset;
    }
    return metadata;
  }

  /** Applies an event and appends it; resolves when it is durable. */
  async record(event: MetadataEvent): Promise<void> {
    this.state.apply(event);
    await this.append(event as unknown as FieldTable);
    if (++this.sinceSnapshot >= SNAPSHOT_EVERY) {
      this.sinceSnapshot = 0;
      this.snapshotting = this.snapshotting.then(() => this.snapshot());
      await this.snapshotting;
    }
  }

  /** Closes the log. */
  async close(): Promise<void> {
    await this.snapshotting.catch(() => undefined);
    await this.log.close();
  }

  private replay(table: FieldTable): void {
    if (table['op'] === 'snapshot') this.state.loadSnapshot(table);
    else this.state.apply(table as unknown as MetadataEvent);
  }

  private async append(table: FieldTable): Promise<number> {
    const result = await this.log.append(encodeBatch([{ key: null, value: encodeFieldValue(table) }]));
    return result.baseOffset;
  }

  private async snapshot(): Promise<void> {
    const offset = await this.append(this.state.toSnapshot());
    await this.log.deleteRecordsBefore(offset);
  }
}
