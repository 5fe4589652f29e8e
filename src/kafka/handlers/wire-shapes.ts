/** Conversions between the core's shapes and the wire's, and constants every handler shares. */
import { ERRORS } from '../../core/errors.js';
import type { OffsetCommitTopic, TopicPartitionErrors } from '../../core/streams/group-types.js';

/** Topic/partition error lists with the wire's `partitionIndex` naming, codes passed through `mapCode`. */
export function topicPartitionErrors(
  topics: TopicPartitionErrors[],
  mapCode: (code: number) => number = (code) => code,
): { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[] {
  return topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, errorCode: mapCode(p.errorCode) })) }));
}

/** The wire's offset-commit topics (OffsetCommit and TxnOffsetCommit) as the core takes them. */
export function offsetCommitTopics(
  topics: { name: string; partitions: { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch?: number; committedMetadata: string | null }[] }[],
): OffsetCommitTopic[] {
  return topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({
      partition: p.partitionIndex,
      offset: Number(p.committedOffset),
      leaderEpoch: p.committedLeaderEpoch ?? -1,
      metadata: p.committedMetadata,
    })),
  }));
}

/** A core topic id (a UUID with dashes) as the wire's 32 hex digits; the zero UUID when unknown. */
export function wireUuid(id: string | null | undefined): string {
  const hex = (id ?? '').replace(/-/g, '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(hex) ? hex : '0'.repeat(32);
}

/** Kafka's UNKNOWN_TOPIC_ID error code, for a topic id that names no topic (v13+ Fetch, v10+ Metadata). */
export const UNKNOWN_TOPIC_ID = ERRORS.UNKNOWN_TOPIC_ID.kafka;

/** Kafka's "authorized operations were not requested" marker. */
export const OPERATIONS_OMITTED = -2147483648;

/** The cluster id this single-node cluster reports. */
export const CLUSTER_ID = 'switchyard';
