import { MethodId } from '/work/main/src/amqp/codec/index.js';
import { RawConnection } from '/work/main/test/clients/amqp-support/broker.js';
import { frames, methodsOf } from '/work/main/test/clients/amqp-support/raw-client.js';
const port = 5699;
async function attempt(label: string, mech: string, resp: Buffer, tune: any, vhost: string) {
  const raw = await RawConnection.open(port);
  let closed = false; void raw.ended.then(() => (closed = true));
  raw.write(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1'));
  await raw.waitFor((r) => methodsOf(r).some((m) => m.method.id === MethodId.ConnectionStart));
  raw.write(frames((w) => w.method(0, { id: MethodId.ConnectionStartOk, args: { clientProperties: { capabilities: { authentication_failure_close: true } }, mechanism: mech, response: resp, locale: 'en_US' } })));
  await new Promise((r) => setTimeout(r, 300));
  if (!closed && tune) raw.write(frames((w) => { w.method(0, { id: MethodId.ConnectionTuneOk, args: tune }); w.method(0, { id: MethodId.ConnectionOpen, args: { virtualHost: vhost, capabilities: '', insist: false } }); }));
  await new Promise((r) => setTimeout(r, 3500));
  console.log(label, 'closed', closed, JSON.stringify(methodsOf(raw.received).map((m) => [m.channel, m.method.id, m.method.id === MethodId.ConnectionStart ? '' : m.method.args])));
  raw.close();
}
await attempt('mech', 'EXTERNAL', Buffer.alloc(0), undefined, '/');
await attempt('badpw', 'PLAIN', Buffer.from('\0guest\0bad'), undefined, '/');
await attempt('vhost', 'PLAIN', Buffer.from('\0guest\0guest'), { channelMax: 0, frameMax: 131072, heartbeat: 0 }, 'nowhere');
await attempt('fm0', 'PLAIN', Buffer.from('\0guest\0guest'), { channelMax: 0, frameMax: 0, heartbeat: 0 }, '/');
await attempt('hb', 'PLAIN', Buffer.from('\0guest\0guest'), { channelMax: 0, frameMax: 131072, heartbeat: 1 }, '/');
