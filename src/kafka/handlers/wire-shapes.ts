/** Conversions between the core's per-partition answers and the wire's field names. */
import { errorCodeOf, errorMessageOf, kafkaCode } from '../../core/streams/error-codes.js';
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

/** Kafka's "authorized operations were not requested" marker. */
export const OPERATIONS_OMITTED = -2147483648;

/** The cluster id this single-node cluster reports. */
export const CLUSTER_ID = 'switchyard';

/** Runs an admin call that throws BrokerError and returns its Kafka error code and message. */
export async function adminOutcome(call: () => Promise<unknown>): Promise<{ errorCode: number; errorMessage: string | null }> {
  try {
    await call();
    return { errorCode: 0, errorMessage: null };
  } catch (err) {
    return { errorCode: errorCodeOf(err), errorMessage: errorMessageOf(err) };
  }
}

/** Kafka's config resource types that this broker knows. */
export const RESOURCE_TOPIC = 2;
/** The broker resource (its topic defaults are described read-only). */
export const RESOURCE_BROKER = 4;

/** An alter-configs outcome for a resource: topics are altered by `alter`, anything else refused. */
export async function alterResource(
  resource: { resourceType: number; resourceName: string },
  alter: (topic: string) => Promise<void>,
): Promise<{ errorCode: number; errorMessage: string | null; resourceType: number; resourceName: string }> {
  const { resourceType, resourceName } = resource;
  if (resourceType !== RESOURCE_TOPIC) {
    return { errorCode: kafkaCode('INVALID_REQUEST'), errorMessage: 'only topic configs can be altered', resourceType, resourceName };
  }
  return { ...(await adminOutcome(() => alter(resourceName))), resourceType, resourceName };
}

const PRODUCER_FENCED = kafkaCode('PRODUCER_FENCED');
const INVALID_PRODUCER_EPOCH = kafkaCode('INVALID_PRODUCER_EPOCH');

/**
 * PRODUCER_FENCED as a client of this API version understands it: versions before the one that
 * introduced the code (KIP-588) get INVALID_PRODUCER_EPOCH, as Kafka answers them.
 */
export function fencedForVersion(errorCode: number, version: number, firstVersionWithFenced: number): number {
  return errorCode === PRODUCER_FENCED && version < firstVersionWithFenced ? INVALID_PRODUCER_EPOCH : errorCode;
}

/** For APIs whose responses never carry PRODUCER_FENCED (Produce, TxnOffsetCommit). */
export const NEVER_FENCED = Number.POSITIVE_INFINITY;
