import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memoryBroker, publishAll, record, rejectsWith } from './helpers.js';
import type { Session } from '../../../src/core/queues/index.js';

/** Declares queues q1..qn and returns a function reading which of them got each message. */
async function queues(session: Session, names: string[]): Promise<() => Promise<Record<string, string[]>>> {
  for (const n of names) await session.queueDeclare(n, {});
  return async () => {
    const out: Record<string, string[]> = {};
    for (const n of names) {
      out[n] = [];
      for (let d = await session.get(n, true); d; d = await session.get(n, true)) out[n].push(d.body.toString());
    }
    return out;
  };
}

describe('exchanges', () => {
  it('direct exchange routes by exact routing key', async () => {
    const { session, broker } = await memoryBroker();
    const read = await queues(session, ['a', 'b']);
    await session.exchangeDeclare('d', { type: 'direct' });
    await session.queueBind('a', 'd', 'red');
    await session.queueBind('b', 'd', 'blue');
    await session.queueBind('b', 'd', 'red');
    await session.publish('d', 'red', {}, Buffer.from('1'));
    await session.publish('d', 'blue', {}, Buffer.from('2'));
    const r = await session.publish('d', 'green', {}, Buffer.from('3'), { mandatory: true });
    assert.equal(r.routed, false);
    assert.deepEqual(await read(), { a: ['1'], b: ['1', '2'] });
    await broker.close();
  });

  it('fanout exchange routes to every bound queue once', async () => {
    const { session, broker } = await memoryBroker();
    const read = await queues(session, ['a', 'b']);
    await session.exchangeDeclare('f', { type: 'fanout' });
    await session.queueBind('a', 'f', 'x');
    await session.queueBind('a', 'f', 'y');
    await session.queueBind('b', 'f', '');
    await session.publish('f', 'anything', {}, Buffer.from('m'));
    assert.deepEqual(await read(), { a: ['m'], b: ['m'] });
    await broker.close();
  });

  it('topic exchange matches * and #', async () => {
    const { session, broker } = await memoryBroker();
    const read = await queues(session, ['star', 'hash', 'exact']);
    await session.queueBind('star', 'amq.topic', 'stock.*.nyse');
    await session.queueBind('hash', 'amq.topic', 'stock.#');
    await session.queueBind('exact', 'amq.topic', 'stock.ibm.nyse');
    for (const key of ['stock.ibm.nyse', 'stock', 'stock.a.b.nyse', 'other.ibm.nyse']) await session.publish('amq.topic', key, {}, Buffer.from(key));
    assert.deepEqual(await read(), {
      star: ['stock.ibm.nyse'],
      hash: ['stock.ibm.nyse', 'stock', 'stock.a.b.nyse'],
      exact: ['stock.ibm.nyse'],
    });
    await broker.close();
  });

  it('headers exchange honours x-match all, any, all-with-x and any-with-x', async () => {
    const { session, broker } = await memoryBroker();
    const read = await queues(session, ['all', 'any', 'allx', 'anyx', 'present']);
    await session.queueBind('all', 'amq.headers', '', { 'x-match': 'all', a: 1, b: 'two' });
    await session.queueBind('any', 'amq.headers', '', { 'x-match': 'any', a: 1, b: 'two' });
    await session.queueBind('any', 'amq.match', '', { 'x-match': 'any', m: true });
    await session.queueBind('allx', 'amq.headers', '', { 'x-match': 'all-with-x', 'x-k': 'v' });
    await session.queueBind('anyx', 'amq.headers', '', { 'x-match': 'any-with-x', 'x-k': 'v', z: 0 });
    await session.queueBind('present', 'amq.headers', '', { c: null });
    await session.publish('amq.headers', '', { headers: { a: 1, b: 'two' } }, Buffer.from('ab'));
    await session.publish('amq.headers', '', { headers: { a: 1 } }, Buffer.from('a'));
    await session.publish('amq.headers', '', { headers: { 'x-k': 'v' } }, Buffer.from('xk'));
    await session.publish('amq.headers', '', { headers: { c: 'anything' } }, Buffer.from('c'));
    await session.publish('amq.match', '', { headers: { m: true } }, Buffer.from('m'));
    assert.deepEqual(await read(), { all: ['ab'], any: ['ab', 'a', 'm'], allx: ['xk'], anyx: ['xk'], present: ['c'] });
    await rejectsWith(() => session.queueBind('all', 'amq.headers', '', { 'x-match': 'some' }), 'PRECONDITION_FAILED');
    await broker.close();
  });

  it('default exchange routes by queue name and refuses bind, unbind, declare and delete with 403', async () => {
    const { session, broker } = await memoryBroker();
    const read = await queues(session, ['jobs']);
    await session.publish('', 'jobs', {}, Buffer.from('j'));
    assert.deepEqual(await read(), { jobs: ['j'] });
    await rejectsWith(() => session.queueBind('jobs', '', 'jobs'), 'ACCESS_REFUSED');
    await rejectsWith(() => session.queueUnbind('jobs', '', 'jobs'), 'ACCESS_REFUSED');
    await rejectsWith(() => session.exchangeDelete(''), 'ACCESS_REFUSED');
    await rejectsWith(() => session.exchangeDeclare('', { type: 'direct' }), 'ACCESS_REFUSED');
    await broker.close();
  });

  it('amq.* exchanges are predeclared, reserved (403) and cannot be deleted', async () => {
    const { session, broker } = await memoryBroker();
    for (const n of ['amq.direct', 'amq.fanout', 'amq.topic', 'amq.headers', 'amq.match']) await session.exchangeDeclare(n, { type: 'direct', passive: true });
    await rejectsWith(() => session.exchangeDeclare('amq.custom', { type: 'direct' }), 'ACCESS_REFUSED');
    await session.exchangeDeclare('amq.direct', { type: 'direct', durable: true });
    await rejectsWith(() => session.exchangeDeclare('amq.fanout', { type: 'topic', durable: true }), 'PRECONDITION_FAILED');
    await rejectsWith(() => session.exchangeDelete('amq.direct'), 'ACCESS_REFUSED');
    await broker.close();
  });

  it('declare: passive 404 when missing, 406 on inequivalent redeclare, 503 on unknown type', async () => {
    const { session, broker } = await memoryBroker();
    await rejectsWith(() => session.exchangeDeclare('nope', { type: 'direct', passive: true }), 'NOT_FOUND');
    await session.exchangeDeclare('e', { type: 'direct', durable: true });
    await session.exchangeDeclare('e', { type: 'direct', durable: true });
    await rejectsWith(() => session.exchangeDeclare('e', { type: 'fanout', durable: true }), 'PRECONDITION_FAILED');
    await rejectsWith(() => session.exchangeDeclare('e', { type: 'direct', durable: false }), 'PRECONDITION_FAILED');
    await rejectsWith(() => session.exchangeDeclare('e', { type: 'direct', durable: true, autoDelete: true }), 'PRECONDITION_FAILED');
    await rejectsWith(() => session.exchangeDeclare('e', { type: 'direct', durable: true, arguments: { 'alternate-exchange': 'ae' } }), 'PRECONDITION_FAILED');
    await rejectsWith(() => session.exchangeDeclare('x', { type: 'x-unknown' }), 'COMMAND_INVALID');
    await rejectsWith(() => session.publish('missing', 'k', {}, Buffer.from('m')), 'NOT_FOUND');
    await broker.close();
  });

  it('publishing to an internal exchange is refused with 403, but it routes from a bound exchange', async () => {
    const { session, broker } = await memoryBroker();
    const read = await queues(session, ['q']);
    await session.exchangeDeclare('inner', { type: 'fanout', internal: true });
    await session.exchangeDeclare('outer', { type: 'direct' });
    await session.exchangeBind('inner', 'outer', 'k');
    await session.queueBind('q', 'inner', '');
    await rejectsWith(() => session.publish('inner', '', {}, Buffer.from('x')), 'ACCESS_REFUSED');
    await session.publish('outer', 'k', {}, Buffer.from('via-outer'));
    assert.deepEqual(await read(), { q: ['via-outer'] });
    await broker.close();
  });

  it('exchange-to-exchange bindings route through chains and cycles without duplicates', async () => {
    const { session, broker } = await memoryBroker();
    const read = await queues(session, ['q']);
    await session.exchangeDeclare('e1', { type: 'topic' });
    await session.exchangeDeclare('e2', { type: 'fanout' });
    await session.exchangeBind('e2', 'e1', 'a.#');
    await session.exchangeBind('e1', 'e2', '');
    await session.queueBind('q', 'e2', '');
    await session.queueBind('q', 'e1', 'a.b');
    await session.publish('e1', 'a.b', {}, Buffer.from('once'));
    await session.exchangeUnbind('e2', 'e1', 'a.#');
    await session.publish('e1', 'a.c', {}, Buffer.from('dropped'));
    assert.deepEqual(await read(), { q: ['once'] });
    await broker.close();
  });

  it('alternate-exchange receives what the exchange cannot route', async () => {
    const { session, broker } = await memoryBroker();
    const read = await queues(session, ['routed', 'unrouted']);
    await session.exchangeDeclare('ae', { type: 'fanout' });
    await session.exchangeDeclare('main', { type: 'direct', arguments: { 'alternate-exchange': 'ae' } });
    await session.queueBind('routed', 'main', 'k');
    await session.queueBind('unrouted', 'ae', '');
    await session.publish('main', 'k', {}, Buffer.from('hit'));
    const r = await session.publish('main', 'other', {}, Buffer.from('miss'), { mandatory: true });
    assert.equal(r.routed, true);
    assert.deepEqual(await read(), { routed: ['hit'], unrouted: ['miss'] });
    await broker.close();
  });

  it('auto-delete exchange goes away with its last binding; delete if-unused is 406 while bound', async () => {
    const { session, broker } = await memoryBroker();
    await session.queueDeclare('q', {});
    await session.exchangeDeclare('auto', { type: 'direct', autoDelete: true });
    await session.queueBind('q', 'auto', 'k');
    await rejectsWith(() => session.exchangeDelete('auto', { ifUnused: true }), 'PRECONDITION_FAILED');
    await session.queueUnbind('q', 'auto', 'k');
    await rejectsWith(() => session.exchangeDeclare('auto', { type: 'direct', passive: true }), 'NOT_FOUND');
    await session.exchangeDelete('never-existed');
    await broker.close();
  });

  it('sender-selected distribution: CC adds routing keys, BCC too and is stripped', async () => {
    const { session, broker } = await memoryBroker();
    await queues(session, ['a', 'b', 'c']);
    const consumers = ['a', 'b', 'c'].map((q) => record(session, q, { noAck: true }));
    await session.publish('', 'a', { headers: { CC: ['b'], BCC: ['c'] } }, Buffer.from('m'));
    for (const c of consumers) await c.waitCount(1);
    assert.deepEqual(consumers.map((c) => c.bodies()), [['m'], ['m'], ['m']]);
    assert.equal(consumers[2].deliveries[0].properties.headers?.['BCC'], undefined);
    assert.deepEqual(consumers[1].deliveries[0].properties.headers?.['CC'], ['b']);
    await broker.close();
  });

  it('unbind with arguments removes only the matching binding', async () => {
    const { session, broker } = await memoryBroker();
    const read = await queues(session, ['q']);
    await session.queueBind('q', 'amq.headers', '', { a: 1 });
    await session.queueBind('q', 'amq.headers', '', { b: 2 });
    await session.queueUnbind('q', 'amq.headers', '', { a: 1 });
    await publishAll(session, 'unused', []);
    await session.publish('amq.headers', '', { headers: { a: 1 } }, Buffer.from('a'));
    await session.publish('amq.headers', '', { headers: { b: 2 } }, Buffer.from('b'));
    assert.deepEqual(await read(), { q: ['b'] });
    assert.equal(broker.listBindings('/').length, 1);
    await broker.close();
  });
});
