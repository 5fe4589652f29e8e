import type { StreamBroker, OffsetResetSpec } from '../core/streams/index.js';
import { BrokerError } from '../core/errors.js';
import { readJsonBody, route, type AdminRoute } from './admin-server.js';

/** Admin API for the Kafka model: topics (with partition offsets and configs) and consumer groups (with lag). */
export function streamRoutes(streams: () => StreamBroker): AdminRoute[] {
  return [
    route('GET', '/api/topics', () => ({ status: 200, body: streams().listTopics() })),
    route('GET', '/api/topics/:name', async ({ name }) => ({ status: 200, body: await describeTopic(streams(), name) })),
    route('PUT', '/api/topics/:name', async ({ name }, request) => {
      const { partitions, configs } = (await readJsonBody(request)) as { partitions?: number; configs?: Record<string, string> };
      return { status: 201, body: await streams().createTopic(name, partitions ?? -1, configs ?? {}) };
    }),
    route('POST', '/api/topics/:name/partitions', async ({ name }, request) => {
      const { count } = (await readJsonBody(request)) as { count?: number };
      if (!Number.isInteger(count)) throw new BrokerError('INVALID_PARTITIONS', 'give the new total partition count as "count"');
      await streams().createPartitions(name, count!);
      return { status: 200, body: streams().describeTopic(name) };
    }),
    route('DELETE', '/api/topics/:name', async ({ name }) => {
      await streams().deleteTopic(name);
      return { status: 200, body: { deleted: name } };
    }),
    route('GET', '/api/groups', () => ({
      status: 200,
      body: streams()
        .listGroupSummaries()
        .map((g) => ({ groupId: g.groupId, state: g.state, protocolType: g.protocolType, members: g.members.length })),
    })),
    route('GET', '/api/groups/:id', ({ id }) => ({ status: 200, body: streams().describeGroup(id) })),
    route('POST', '/api/groups/:id/reset-offsets', async ({ id }, request) => {
      const { topic, spec, execute } = (await readJsonBody(request)) as { topic?: string | null; spec: OffsetResetSpec; execute?: boolean };
      return { status: 200, body: await streams().resetOffsets(id, topic ?? null, spec, execute === true) };
    }),
    route('DELETE', '/api/groups/:id', async ({ id }) => {
      const [result] = await streams().groups.deleteGroups([id]);
      if (result.errorCode !== 0) throw new BrokerError(result.errorCode === 68 ? 'NON_EMPTY_GROUP' : 'GROUP_ID_NOT_FOUND', `cannot delete group ${id} (Kafka error ${result.errorCode})`);
      return { status: 200, body: { deleted: id } };
    }),
  ];
}

async function describeTopic(streams: StreamBroker, name: string) {
  const topic = streams.describeTopic(name);
  if (!topic) throw new BrokerError('UNKNOWN_TOPIC_OR_PARTITION', `no topic '${name}'`);
  const configs = Object.fromEntries(
    streams
      .describeConfigs(name)
      .filter((entry) => !entry.isDefault && entry.value !== null)
      .map((entry) => [entry.name, entry.value as string]),
  );
  const partitionDetails = await Promise.all(
    Array.from({ length: topic.partitions }, async (_, partition) => ({
      partition,
      startOffset: (await streams.listOffsets(name, partition, -2)).offset,
      endOffset: (await streams.listOffsets(name, partition, -1)).offset,
    })),
  );
  return { ...topic, configs, partitionDetails };
}
