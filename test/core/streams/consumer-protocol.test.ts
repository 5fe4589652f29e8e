import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { readAssignment, readSubscriptionTopics } from '../../../src/core/streams/index.js';

function str(s: string): Buffer {
  const bytes = Buffer.from(s);
  const len = Buffer.alloc(2);
  len.writeInt16BE(bytes.length);
  return Buffer.concat([len, bytes]);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

const version = Buffer.from([0, 1]);
const topicName = fc.stringMatching(/^[a-z0-9._-]{1,20}$/);

test('subscriptions and assignments round-trip from their consumer-protocol bytes', () => {
  fc.assert(
    fc.property(fc.array(topicName, { maxLength: 5 }), fc.array(fc.tuple(topicName, fc.array(fc.nat(1000), { maxLength: 5 })), { maxLength: 5 }), (topics, parts) => {
      const sub = Buffer.concat([version, int32(topics.length), ...topics.map(str), int32(-1)]);
      assert.deepEqual(readSubscriptionTopics(sub), topics);
      const asg = Buffer.concat([version, int32(parts.length), ...parts.flatMap(([t, ps]) => [str(t), int32(ps.length), ...ps.map(int32)]), int32(-1)]);
      assert.deepEqual(readAssignment(asg), parts.map(([topic, partitions]) => ({ topic, partitions })));
    }),
  );
});

test('truncated or random bytes give null or a value, never an exception', () => {
  const sub = Buffer.concat([version, int32(2), str('alpha'), str('beta'), int32(-1)]);
  for (let cut = 0; cut < sub.length; cut++) {
    const topics = readSubscriptionTopics(sub.subarray(0, cut));
    assert.ok(topics === null || topics.length <= 2);
  }
  assert.equal(readSubscriptionTopics(Buffer.concat([version, int32(0x7fffffff)])), null);
  assert.equal(readAssignment(Buffer.concat([version, int32(1), str('t'), int32(0x10000000)])), null);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      readSubscriptionTopics(Buffer.from(bytes));
      readAssignment(Buffer.from(bytes));
    }),
  );
});
