/**
 * A LogStore that keeps every log in memory: the engine behind fast tests of the broker core and
 * embedded brokers that need no durability. Logs survive a close of their handle (a later open of
 * the same name sees the same data) until the store deletes them; nothing survives the process.
 */
import { MemoryPartitionLog } from './memory/memory-log.js';
import { emptyLogState, type MemoryLogState } from './memory/memory-segments.js';
import { DEFAULT_LOG_CONFIG, type LogConfig, type LogStore, type PartitionLog } from './types.js';

/** The in-memory LogStore. */
export class MemoryLogStore implements LogStore {
  private readonly states = new Map<string, MemoryLogState>();
  private readonly openLogs = new Map<string, MemoryPartitionLog>();

  /** `defaults` apply to every log opened without its own value for a setting. */
  constructor(private readonly defaults: Partial<LogConfig> = {}) {}

  /** Opens or creates a log; a log that is already open is returned as is (its config unchanged). */
  async open(name: string, config: Partial<LogConfig> = {}): Promise<PartitionLog> {
    const alreadyOpen = this.openLogs.get(name);
    if (alreadyOpen !== undefined) return alreadyOpen;
    let state = this.states.get(name);
    if (state === undefined) {
      state = emptyLogState();
      this.states.set(name, state);
    }
    const log: MemoryPartitionLog = new MemoryPartitionLog(name, { ...DEFAULT_LOG_CONFIG, ...this.defaults, ...config }, state, () => {
      if (this.openLogs.get(name) === log) this.openLogs.delete(name);
    });
    this.openLogs.set(name, log);
    return log;
  }

  async list(): Promise<string[]> {
    return [...this.states.keys()];
  }

  async delete(name: string): Promise<void> {
    await this.openLogs.get(name)?.close();
    this.states.delete(name);
  }

  async close(): Promise<void> {
    await Promise.all([...this.openLogs.values()].map((log) => log.close()));
  }
}
