import { amqpDrain, amqpFlow } from '../lib/loads/amqp.js';
import { uniqueName } from '../lib/load-kit.js';
import type { Scenario, Target } from '../lib/scenario.js';
import { amqpTargets, type AmqpServer } from '../lib/targets.js';

const SIZE = 100;
const SERVERS: AmqpServer[] = ['switchyard', 'rabbitmq-classic', 'rabbitmq-quorum'];

/** A backlog of a million persistent messages, then a drain, with the broker's RSS sampled throughout. */
export const backlogScenario: Scenario = {
  name: 'backlog',
  title: `Backlog then drain, ${SIZE} B persistent`,
  measures:
    'Fill one durable queue with persistent messages through confirms (256 in flight, no consumer), then drain it with a manual-ack consumer (prefetch 1000). Broker RSS is sampled every 100 ms in both phases (kept in the JSON); memory must stay bounded while the backlog sits on disk.',
  targets(quick) {
    const count = quick ? 50_000 : 1_000_000;
    const targets: Target[] = [];
    for (const server of SERVERS) {
      const queue = uniqueName('bench-backlog');
      let filled = false;
      const [fill] = amqpTargets('fill', [server], async (url, queueType, signal) => {
        const measured = await amqpFlow(
          { url, queueType, queues: 1, size: SIZE, count, persistent: true, confirmWindow: 256, latency: 'confirm', consume: false, queueName: queue, keepQueues: true },
          signal,
        );
        filled = true;
        return measured;
      });
      const [drain] = amqpTargets('drain', [server], (url, _queueType, signal) => {
        if (!filled) throw new Error('nothing to drain: the fill failed');
        return amqpDrain(url, `${queue}-0`, count, SIZE, signal);
      });
      targets.push({ ...fill, keepRssSeries: true }, { ...drain, keepRssSeries: true });
    }
    return targets;
  },
  findings: (rows) =>
    rows.flatMap((row) => {
      const series = row.extra?.rssSeries as [number, number][] | undefined;
      if (row.error || !series || series.length === 0) return [];
      const mb = (bytes: number) => Math.round(bytes / 1e6);
      const [first, last] = [series[0][1], series[series.length - 1][1]];
      return [`${row.broker} ${row.variant}: RSS ${mb(first)} MB at start, ${mb(last)} MB at end, ${row.peakRssMb?.toFixed(0)} MB peak, for ${mb(row.bytes)} MB of payload`];
    }),
  notes: (quick) => [`backlog of ${quick ? '50,000' : '1,000,000'} messages (${quick ? '5' : '100'} MB of payload); peak RSS is the broker's high-water mark during each phase.`],
};
