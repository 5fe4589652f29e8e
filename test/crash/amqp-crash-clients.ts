/** The publisher and consumer of the AMQP crash test: real amqplib clients that live until their broker dies. */
import amqp, { type ChannelModel } from 'amqplib';

/** Where each published message id stands, across every broker life. */
export interface CrashLedger {
  /** Ids whose publish was confirmed (basic.ack) and not returned: these must never be lost. */
  confirmed: Set<string>;
  /** Ids published whose confirm never came (the broker died first) or came as a nack. */
  unconfirmed: Set<string>;
  /** Ids that came back as basic.return (no binding matched): must stay empty while the binding survives. */
  returned: Set<string>;
  /** How many times each id was delivered to the consumer. */
  received: Map<string, number>;
}

/** The queue and the durable exchange route the crash test uses. */
export interface CrashTopology {
  queue: string;
  exchange: string;
  routingKey: string;
}

/** A client connection that ends, without throwing, when the broker goes away. */
async function connectUntilGone(url: string): Promise<{ conn: ChannelModel; gone: Promise<void> }> {
  const conn = await amqp.connect(url);
  conn.on('error', () => undefined);
  const gone = new Promise<void>((resolve) => conn.once('close', () => resolve()));
  return { conn, gone };
}

/** Declares the durable queue, the durable direct exchange and their binding (once, on the first broker life). */
export async function declareTopology(url: string, topology: CrashTopology): Promise<void> {
  const conn = await amqp.connect(url);
  const ch = await conn.createChannel();
  await ch.assertQueue(topology.queue, { durable: true });
  await ch.assertExchange(topology.exchange, 'direct', { durable: true });
  await ch.bindQueue(topology.queue, topology.exchange, topology.routingKey);
  await conn.close();
}

/**
 * Publishes persistent messages with unique ids on a confirm channel, keeping `window` unconfirmed at a
 * time, alternately to the queue directly and through the bound exchange (mandatory), until the broker dies.
 * The queue and exchange are only checked, never declared: losing them must not go unnoticed.
 * `onConfirm` is called on every confirm.
 */
export async function publishUntilGone(url: string, topology: CrashTopology, ledger: CrashLedger, nextId: () => string, window: number, onConfirm: () => void): Promise<void> {
  const { conn, gone } = await connectUntilGone(url);
  let alive = true;
  void gone.then(() => (alive = false));
  try {
    const ch = await conn.createConfirmChannel();
    ch.on('error', () => undefined);
    ch.on('return', (msg) => ledger.returned.add(String(msg.properties.messageId)));
    await ch.checkQueue(topology.queue);
    await ch.checkExchange(topology.exchange);
    let inFlight = 0;
    let wake: (() => void) | undefined;
    let sent = 0;
    while (alive) {
      if (inFlight >= window) {
        await Promise.race([gone, new Promise<void>((resolve) => (wake = resolve))]);
        continue;
      }
      const id = nextId();
      const viaExchange = sent++ % 2 === 1;
      inFlight++;
      ledger.unconfirmed.add(id);
      const settled = (err: unknown): void => {
        inFlight--;
        if (err === null || err === undefined) {
          ledger.unconfirmed.delete(id);
          if (!ledger.returned.has(id)) ledger.confirmed.add(id);
          onConfirm();
        }
        wake?.();
      };
      const options = { persistent: true, messageId: id, mandatory: viaExchange };
      const body = Buffer.from(id);
      if (viaExchange) ch.publish(topology.exchange, topology.routingKey, body, options, settled);
      else ch.sendToQueue(topology.queue, body, options, settled);
      // Let socket events (confirms, the close) in between publishes.
      if (sent % 32 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  } catch (error) {
    if (alive) throw error;
  } finally {
    if (alive) await conn.close().catch(() => undefined);
  }
}

/**
 * Consumes and acknowledges every delivery, counting each id, until the broker dies or `stop` resolves.
 * `onConsuming` is called once consume-ok arrived.
 */
export async function consumeUntilGone(url: string, queue: string, ledger: CrashLedger, onConsuming: () => void, stop?: Promise<void>): Promise<void> {
  const { conn, gone } = await connectUntilGone(url);
  try {
    const ch = await conn.createChannel();
    ch.on('error', () => undefined);
    await ch.prefetch(64);
    await ch.consume(queue, (msg) => {
      if (msg === null) return;
      const id = String(msg.properties.messageId);
      ledger.received.set(id, (ledger.received.get(id) ?? 0) + 1);
      ch.ack(msg);
    });
    onConsuming();
    await Promise.race([gone, stop ?? gone]);
  } catch (error) {
    if (!(await isGone(gone))) throw error;
  } finally {
    if (!(await isGone(gone))) await conn.close().catch(() => undefined);
  }
}

async function isGone(gone: Promise<void>): Promise<boolean> {
  return Promise.race([gone.then(() => true), new Promise<boolean>((resolve) => setImmediate(() => resolve(false)))]);
}
