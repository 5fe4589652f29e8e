/** Per-resource outcomes of admin requests, as Kafka reports them (error code and message). */
import { errorCodeOf, errorMessageOf, kafkaCode } from '../../core/streams/error-codes.js';

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
