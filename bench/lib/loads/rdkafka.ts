import { fileURLToPath } from 'node:url';
import { Histogram } from '../histogram.js';
import { onAbort, type SteadyRate } from '../load-kit.js';
import type { Measured } from '../scenario.js';
import { runTool } from '../tool.js';
import { createTopic } from './kafka.js';

/** Debian's Python, which has python3-confluent-kafka (the default `python3` may be another one). */
export const DEBIAN_PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./rdkafka_fixed_rate.py', import.meta.url));
const READY = 'ready\n';

/**
 * End-to-end latency through librdkafka (confluent-kafka for Python): a consumer-group consumer and a
 * producer (acks=all, linger.ms=0) in two processes, as two applications would run, sending `rate.perSec`
 * in bursts of 10. Latency is the send time stamped in the payload to its arrival at the consumer.
 */
export async function rdkafkaFixedRate(brokers: string[], rate: SteadyRate, count: number, size: number, signal: AbortSignal): Promise<Measured> {
  const topic = await createTopic(brokers);
  const bootstrap = brokers.join(',');
  const stop = new AbortController();
  onAbort(signal, () => stop.abort());
  let output = '';
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const consumerArgs = [SCRIPT, 'consume', bootstrap, topic, `${count}`, `${rate.warmupMs}`];
  const producerArgs = [SCRIPT, 'produce', bootstrap, topic, `${count}`, `${size}`, `${rate.perSec}`];
  try {
    const consumer = runTool(DEBIAN_PYTHON, consumerArgs, stop.signal, (chunk) => {
      output += chunk.toString();
      if (output.startsWith(READY)) markReady();
    });
    await Promise.race([ready, consumer]);
    if (!output.startsWith(READY)) throw new Error(`the consumer exited before its partition was assigned: ${output.slice(0, 200)}`);
    const started = performance.now();
    await Promise.all([runTool(DEBIAN_PYTHON, producerArgs, stop.signal), consumer]);
    const seconds = (performance.now() - started) / 1000;
    const { latencies } = JSON.parse(output.slice(READY.length)) as { latencies: number[] };
    const latency = new Histogram();
    for (const millis of latencies) latency.recordMillis(millis);
    return { messages: count, bytes: count * size, seconds, latency, extra: { command: `python3 rdkafka_fixed_rate.py {${consumerArgs.slice(1).join(' ')} | ${producerArgs.slice(1).join(' ')}}` } };
  } finally {
    stop.abort();
  }
}
