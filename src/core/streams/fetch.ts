/**
 * Fetch across several partitions with Kafka's long-poll rules: answer at once when min bytes are
 * available or a partition has an error, otherwise wait for appends (or a last stable offset move)
 * on any of the partitions until the deadline.
 */
import { kafkaCode } from './error-codes.js';
import type { Partition } from './partition.js';
import type { FetchOptions, FetchPartitionRequest, FetchResult, IsolationLevel } from './types.js';

/** Finds a partition by topic and index. */
export type PartitionLookup = (topic: string, partition: number) => Partition | undefined;

/** Watches partitions for changes; a change that arrives while nobody waits is remembered. */
class ChangeWatch {
  private changed = false;
  private wake: (() => void) | null = null;
  private readonly unsubscribes: (() => void)[] = [];

  constructor(partitions: Partition[]) {
    for (const p of partitions) {
      this.unsubscribes.push(
        p.onChange(() => {
          this.changed = true;
          this.wake?.();
        }),
      );
    }
  }

  /** Resolves when a change happened since the last call, or after `ms`, or on abort. */
  async next(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.changed || signal?.aborted) {
      this.changed = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done);
      this.wake = done;
    });
    this.changed = false;
  }

  close(): void {
    for (const unsubscribe of this.unsubscribes) unsubscribe();
  }
}

const EMPTY = Buffer.alloc(0);

function unknownPartition(isolation: IsolationLevel): FetchResult {
  return {
    errorCode: kafkaCode('UNKNOWN_TOPIC_OR_PARTITION'),
    highWatermark: -1,
    lastStableOffset: -1,
    logStartOffset: -1,
    abortedTransactions: isolation === 1 ? [] : null,
    records: EMPTY,
  };
}

async function fetchOnce(lookup: PartitionLookup, requests: FetchPartitionRequest[], options: FetchOptions): Promise<FetchResult[]> {
  let budget = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const results: FetchResult[] = [];
  for (const req of requests) {
    const partition = lookup(req.topic, req.partition);
    if (partition === undefined) {
      results.push(unknownPartition(options.isolationLevel));
      continue;
    }
    const result = await partition.fetch(req.offset, Math.min(req.maxBytes, budget), options.isolationLevel);
    budget -= result.records.length;
    results.push(result);
  }
  return results;
}

/** Fetches every requested partition, long-polling per the options; results follow the request order. */
export async function fetchMany(lookup: PartitionLookup, requests: FetchPartitionRequest[], options: FetchOptions): Promise<FetchResult[]> {
  const minBytes = options.minBytes ?? 1;
  const deadline = Date.now() + Math.max(options.maxWaitMs ?? 0, 0);
  const partitions = requests.map((r) => lookup(r.topic, r.partition)).filter((p): p is Partition => p !== undefined);
  const watch = new ChangeWatch(partitions);
  try {
    for (;;) {
      const results = await fetchOnce(lookup, requests, options);
      const bytes = results.reduce((sum, r) => sum + r.records.length, 0);
      const remaining = deadline - Date.now();
      if (bytes >= minBytes || results.some((r) => r.errorCode !== 0) || remaining <= 0 || options.signal?.aborted) return results;
      await watch.next(remaining, options.signal);
    }
  } finally {
    watch.close();
  }
}
