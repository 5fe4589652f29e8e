import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memoryBroker, publishAll, record, settle, waitFor } from './helpers.js';
import type { FieldTable, Session } from '../../../src/core/queues/index.js';

/** A source queue dead-lettering to exchange 'dlx' (fanout) bound to queue 'dead'. */
async function setup(session: Session, args: FieldTable): Promise<void> {
  await session.exchangeDeclare('dlx', { type: 'fanout' });
  await session.queueDeclare('dead', {});
  await session.queueBind('dead', 'dlx', '');
  await session.queueDeclare('src', { arguments: { 'x-dead-letter-exchange': 'dlx', ...args } });
}

function deaths(headers: FieldTable | undefined): FieldTable[] {
  return (headers?.['x-death'] ?? []) as FieldTable[];
}

describe('dead-lettering', () => {
  it('rejected messages carry x-death and x-first-death headers', async () => {
    const { session, broker } = await memoryBroker();
    await setup(session, {});
    await session.publish('', 'src', { headers: { app: 'x' } }, Buffer.from('m'));
    const d = (await session.get('src', false))!;
    session.reject(d.deliveryTag, false);
    const c = record(session, 'dead', { noAck: true });
    await c.waitCount(1);
    const h = c.deliveries[0].properties.headers!;
    assert.equal(h['app'], 'x');
    const [death] = deaths(h);
    assert.equal(death['count'], 1);
    assert.equal(death['reason'], 'rejected');
    assert.equal(death['queue'], 'src');
    assert.equal(death['exchange'], '');
    assert.deepEqual(death['routing-keys'], ['src']);
    assert.ok(death['time'] instanceof Date);
    assert.equal(h['x-first-death-reason'], 'rejected');
    assert.equal(h['x-first-death-queue'], 'src');
    assert.equal(h['x-first-death-exchange'], '');
    assert.equal(c.deliveries[0].exchange, 'dlx');
    assert.equal(c.deliveries[0].routingKey, 'src');
    await broker.close();
  });

  it('nack without requeue dead-letters; x-dead-letter-routing-key replaces the routing key', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('by-key', {});
    await session.queueDeclare('src', { arguments: { 'x-dead-letter-exchange': 'amq.direct', 'x-dead-letter-routing-key': 'failed' } });
    await session.queueBind('by-key', 'amq.direct', 'failed');
    await publishAll(session, 'src', ['a', 'b']);
    const c = record(session, 'src');
    await c.waitCount(2);
    session.nack(c.deliveries[1].deliveryTag, true, false);
    const dead = record(session, 'by-key', { noAck: true });
    await dead.waitCount(2);
    assert.deepEqual(dead.bodies(), ['a', 'b']);
    assert.equal(dead.deliveries[0].routingKey, 'failed');
    await broker.close();
  });

  it('expired messages are dead-lettered with reason expired and original-expiration', async () => {
    const { session, broker } = await memoryBroker();
    await setup(session, {});
    await session.publish('', 'src', { expiration: '5' }, Buffer.from('old'));
    const c = record(session, 'dead', { noAck: true });
    await c.waitCount(1);
    const [death] = deaths(c.deliveries[0].properties.headers);
    assert.equal(death['reason'], 'expired');
    assert.equal(death['original-expiration'], '5');
    assert.equal(c.deliveries[0].properties.expiration, undefined);
    await broker.close();
  });

  it('messages dropped by max-length are dead-lettered with reason maxlen, as are reject-publish-dlx refusals', async () => {
    const { session, broker } = await memoryBroker();
    await setup(session, { 'x-max-length': 1 });
    await publishAll(session, 'src', ['first']);
    await publishAll(session, 'src', ['second']);
    const c = record(session, 'dead', { noAck: true });
    await c.waitCount(1);
    assert.deepEqual(c.bodies(), ['first']);
    assert.equal(deaths(c.deliveries[0].properties.headers)[0]['reason'], 'maxlen');
    await session.queueDeclare('strict', { arguments: { 'x-dead-letter-exchange': 'dlx', 'x-max-length': 0, 'x-overflow': 'reject-publish-dlx' } });
    const r = await session.publish('', 'strict', {}, Buffer.from('refused'));
    assert.equal(r.rejected, true);
    await c.waitCount(2);
    assert.deepEqual(c.bodies(), ['first', 'refused']);
    await broker.close();
  });

  it('x-delivery-limit dead-letters with delivery_limit after too many returns; x-delivery-count is reported', async () => {
    const { session, broker } = await memoryBroker();
    await setup(session, { 'x-delivery-limit': 1 });
    await publishAll(session, 'src', ['m']);
    const first = (await session.get('src', false))!;
    assert.equal(first.properties.headers?.['x-delivery-count'], undefined);
    session.nack(first.deliveryTag, false, true);
    const second = (await session.get('src', false))!;
    assert.equal(second.properties.headers?.['x-delivery-count'], 1);
    assert.equal(second.redelivered, true);
    session.nack(second.deliveryTag, false, true);
    assert.equal(await session.get('src', false), undefined);
    const c = record(session, 'dead', { noAck: true });
    await c.waitCount(1);
    assert.equal(deaths(c.deliveries[0].properties.headers)[0]['reason'], 'delivery_limit');
    await broker.close();
  });

  it('x-max-delivery-count is the same as x-delivery-limit; quorum queues report x-delivery-count', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('qq', { durable: true, arguments: { 'x-queue-type': 'quorum', 'x-max-delivery-count': 0 } });
    await publishAll(session, 'qq', ['m']);
    const d = (await session.get('qq', false))!;
    session.nack(d.deliveryTag, false, true);
    assert.equal(await session.get('qq', false), undefined);
    // As RabbitMQ 3.12 and later: no header on the first delivery, then the number of returns.
    await session.queueDeclare('counted', { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await publishAll(session, 'counted', ['m']);
    const c = record(session, 'counted');
    await c.waitCount(1);
    assert.equal(c.deliveries[0].redelivered, false);
    assert.equal(c.deliveries[0].properties.headers?.['x-delivery-count'], undefined);
    session.nack(c.deliveries[0].deliveryTag, false, true);
    await c.waitCount(2);
    assert.equal(c.deliveries[1].properties.headers?.['x-delivery-count'], 1);
    session.nack(c.deliveries[1].deliveryTag, false, true);
    await c.waitCount(3);
    assert.equal(c.deliveries[2].properties.headers?.['x-delivery-count'], 2);
    await broker.close();
  });

  it('counts repeated deaths in the same queue for the same reason', async () => {
    const { session, broker } = await memoryBroker();
    // retry loop: work rejects to 'retry' (dead-letters back to work after a TTL)
    await session.queueDeclare('work', { arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'retry' } });
    await session.queueDeclare('retry', { arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'work', 'x-message-ttl': 5 } });
    await publishAll(session, 'work', ['job']);
    const c = record(session, 'work');
    await c.waitCount(1);
    session.reject(c.deliveries[0].deliveryTag, false);
    await c.waitCount(2);
    session.reject(c.deliveries[1].deliveryTag, false);
    await c.waitCount(3);
    const ds = deaths(c.deliveries[2].properties.headers);
    assert.deepEqual(
      ds.map((d) => [d['queue'], d['reason'], d['count']]),
      [
        ['retry', 'expired', 2],
        ['work', 'rejected', 2],
      ],
    );
    assert.equal(c.deliveries[2].properties.headers?.['x-first-death-queue'], 'work');
    await broker.close();
  });

  it('drops messages that would cycle back without a rejection', async () => {
    const { session, broker } = await memoryBroker();
    await session.exchangeDeclare('dlx', { type: 'fanout' });
    await session.queueDeclare('loop', { arguments: { 'x-dead-letter-exchange': 'dlx', 'x-message-ttl': 5 } });
    await session.queueDeclare('observer', {});
    await session.queueBind('loop', 'dlx', '');
    await session.queueBind('observer', 'dlx', '');
    await publishAll(session, 'loop', ['m']);
    const depth = (name: string): number => broker.listQueues('/').find((q) => q.name === name)!.messagesReady;
    await waitFor(() => depth('loop') === 0 && depth('observer') === 1, 'first death');
    await settle(50);
    const byName = Object.fromEntries(broker.listQueues('/').map((q) => [q.name, q.messagesReady]));
    assert.deepEqual(byName, { loop: 0, observer: 1 });
    await broker.close();
  });

  it('a missing dead-letter exchange drops the message', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('src', { arguments: { 'x-dead-letter-exchange': 'not-there' } });
    await publishAll(session, 'src', ['m']);
    const d = (await session.get('src', false))!;
    session.reject(d.deliveryTag, false);
    assert.equal(broker.listQueues('/')[0].messagesReady, 0);
    await broker.close();
  });
});
