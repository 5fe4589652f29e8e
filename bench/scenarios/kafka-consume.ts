import type { BrokerHandle } from '../lib/brokers/types.js';
import { createTopic, kafkaProduce, kcatConsume } from '../lib/loads/kafka.js';
import { createStream, natsConsume, natsPublish } from '../lib/loads/nats.js';
import type { Scenario, Target } from '../lib/scenario.js';
import { socketCeiling } from '../lib/targets.js';

const SIZE = 1024;

async function restart(broker: BrokerHandle | undefined): Promise<void> {
  if (!broker?.restart) throw new Error('this broker cannot be restarted on its data');
  await broker.restart();
}

/** Kafka consume from the tail (just written) and from cold segments (after a broker restart). */
export const kafkaConsume: Scenario = {
  name: 'kafka-consume',
  title: 'Kafka consume 1 KiB, tail and cold segments',
  measures:
    'Fill a one-partition topic (not timed), read it all from offset 0 right away (tail: in the broker’s caches), then restart the broker on the same data and read it all again (cold segments). Switchyard is read with kcat (librdkafka, no group); JetStream with an ordered consumer.',
  targets(quick) {
    const count = quick ? 20_000 : 500_000;
    let topic = '';
    let stream = '';
    const kafka = (variant: string, prepare: Target['prepare']): Target => ({
      broker: 'switchyard',
      variant,
      client: 'kcat',
      kind: 'switchyard',
      prepare,
      run: (broker, signal) => kcatConsume(broker!.kafkaBrokers!, topic, count, SIZE, signal),
    });
    const nats = (variant: string, prepare: Target['prepare']): Target => ({
      broker: 'nats-jetstream',
      variant,
      client: 'nats.js',
      kind: 'nats',
      prepare,
      run: (broker, signal) => natsConsume(broker!.natsUrl!, stream, count, SIZE, signal),
    });
    return [
      kafka('tail', async (broker, signal) => {
        topic = await createTopic(broker!.kafkaBrokers!);
        await kafkaProduce({ brokers: broker!.kafkaBrokers!, topic, size: SIZE, count, acks: -1, batch: 64, inFlight: 4 }, signal);
      }),
      kafka('cold', (broker) => restart(broker)),
      nats('tail', async (broker, signal) => {
        stream = await createStream(broker!.natsUrl!);
        await natsPublish(broker!.natsUrl!, SIZE, count, 256, signal, stream);
      }),
      nats('cold', (broker) => restart(broker)),
      // The loopback ceiling for the same bytes streamed one way (the window never fills).
      socketCeiling('tail', SIZE, count, count),
    ];
  },
  notes: () => [
    'ceiling-socket streams the same 1 KiB frames one way over one loopback connection (Node writes batched per event-loop turn), the most a consumer could receive here.',
    'cold means a fresh broker process reading closed segments; the OS page cache is not dropped (the machine is shared), so the disk itself may still be warm.',
  ],
};
