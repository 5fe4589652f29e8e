import { Connection, ConsumerStatus } from 'rabbitmq-client';
import { startAmqpBroker } from './test/clients/amqp-support/broker.js';
for (let round = 0; round < 5; round++) {
  const b = await startAmqpBroker();
  const rabbit = new Connection({ url: b.url, retryLow: 50, retryHigh: 200 });
  rabbit.on('error', (e) => console.log('conn error', e));
  await rabbit.onConnect(5000);
  console.log('connected');
  let n = 0;
  const done = new Promise<void>((resolve) => {
    const sub = rabbit.createConsumer({ queue: 'rc-orders', queueOptions: { durable: true }, qos: { prefetchCount: 2 }, exchanges: [{ exchange: 'rc-ex', type: 'topic' }], queueBindings: [{ exchange: 'rc-ex', routingKey: 'order.*' }] }, () => {
      if (++n === 3) { resolve(); void sub.close(); }
      return ConsumerStatus.ACK;
    });
    sub.on('error', (e) => console.log('sub error', e)); sub.on('ready', () => console.log('sub ready'));
  });
  const pub = rabbit.createPublisher({ confirm: true, exchanges: [{ exchange: 'rc-ex', type: 'topic' }] });
  await new Promise((r) => setTimeout(r, 100));
  for (const id of [1, 2, 3]) { await pub.send({ exchange: 'rc-ex', routingKey: 'order.created' }, { id }); console.log('sent', id); }
  await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
  console.log('round', round, 'got', n);
  await pub.close(); await rabbit.close(); await b.close();
}
