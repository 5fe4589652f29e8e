/**
 * Child process of crash.test.ts: publishes persistent messages to a durable queue one at a time and
 * prints the number of each one as soon as its publish is confirmed. The parent kills it with SIGKILL.
 */
import { QueueBroker } from '../../../src/core/queues/index.js';
import { FileLogStore } from '../../../src/storage/file/file-log-store.js';

const [dir, startText] = process.argv.slice(2);
const store = await FileLogStore.open(dir, { fsync: 'batch' });
const broker = await QueueBroker.open(store);
const session = broker.openSession('/', 'crash-child');
await session.queueDeclare('crash', { durable: true });
for (let i = Number(startText); ; i++) {
  await session.publish('', 'crash', { deliveryMode: 2 }, Buffer.from(String(i)));
  process.stdout.write(`${i}\n`);
}
