/**
 * Which sealed segments retention deletes. Only a prefix of the sealed segments is ever chosen
 * (the log start only moves forward), and never the active segment.
 */
import type { LogConfig } from '../types.js';

/** The facts about a sealed segment that retention looks at. */
export interface RetentionCandidate {
  size: number;
  maxTimestamp: number;
}

/**
 * Number of leading segments to delete: those whose newest batch is older than `retentionMs`,
 * and those whose removal still leaves the log at or above `retentionBytes`.
 */
export function segmentsToDelete(
  sealed: readonly RetentionCandidate[],
  totalBytes: number,
  config: Pick<LogConfig, 'retentionMs' | 'retentionBytes'>,
  now: number,
): number {
  let byTime = 0;
  if (config.retentionMs >= 0) {
    while (byTime < sealed.length && sealed[byTime].maxTimestamp < now - config.retentionMs) byTime++;
  }
  let bySize = 0;
  if (config.retentionBytes >= 0) {
    let excess = totalBytes - config.retentionBytes;
    while (bySize < sealed.length && excess >= sealed[bySize].size) excess -= sealed[bySize++].size;
  }
  return Math.max(byTime, bySize);
}
