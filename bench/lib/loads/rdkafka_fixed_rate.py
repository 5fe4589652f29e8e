"""End-to-end latency through librdkafka (confluent-kafka), one role per process.

Usage:
  rdkafka_fixed_rate.py consume BOOTSTRAP TOPIC COUNT WARMUP_MS
      joins a consumer group on TOPIC, prints "ready" once partitions are assigned, reads COUNT messages
      and prints {"latencies": [ms, ...]}: receive time minus the send time stamped in each payload,
      leaving out messages sent in the first WARMUP_MS after the first one.
  rdkafka_fixed_rate.py produce BOOTSTRAP TOPIC COUNT SIZE RATE
      sends COUNT messages of SIZE bytes to partition 0, RATE per second in bursts of 10 (one burst per
      millisecond at 10k/s), acks=all, linger.ms=0, each stamped with its send time; exits once every
      message is acknowledged.

Both processes turn Nagle's algorithm off, and stamp and read time.monotonic() (CLOCK_MONOTONIC, one
clock for every process on the machine, and never stepped like the wall clock). The consumer gives up
when it has no partition IDLE_SECONDS after subscribing, or, naming how many messages it received, when
none arrives for IDLE_SECONDS.
"""
import json
import struct
import sys
import time

from confluent_kafka import Consumer, Producer

BURST = 10
IDLE_SECONDS = 30
STAMP = struct.Struct('<d')


def consume(bootstrap, topic, count, warmup_ms):
    consumer = Consumer({
        'bootstrap.servers': bootstrap,
        'broker.address.family': 'v4',
        'socket.nagle.disable': True,
        'group.id': 'latency-' + topic,
        'auto.offset.reset': 'earliest',
        'fetch.wait.max.ms': 100,
    })
    assigned = []
    consumer.subscribe([topic], on_assign=lambda _consumer, partitions: assigned.extend(partitions))
    assign_by = time.monotonic() + IDLE_SECONDS
    while not assigned:
        if time.monotonic() > assign_by:
            raise SystemExit(f'consumer: no partition assigned within {IDLE_SECONDS} s')
        message = consumer.poll(0.1)
        if message is not None and message.error():
            raise SystemExit(f'consumer: {message.error()}')
    print('ready', flush=True)
    latencies = []
    received = 0
    measure_from = None
    last_arrival = time.monotonic()
    while received < count:
        message = consumer.poll(0.1)
        if message is None:
            if time.monotonic() - last_arrival > IDLE_SECONDS:
                raise SystemExit(f'consumer: {received} of {count} messages, none for {IDLE_SECONDS} s')
            continue
        if message.error():
            raise SystemExit(f'consumer: {message.error()}')
        now = last_arrival = time.monotonic()
        stamp = STAMP.unpack_from(message.value())[0]
        if measure_from is None:
            measure_from = stamp + warmup_ms / 1000
        received += 1
        if stamp >= measure_from:
            latencies.append(round((now - stamp) * 1000, 4))
    consumer.close()
    print(json.dumps({'latencies': latencies}), flush=True)


def produce(bootstrap, topic, count, size, rate):
    failures = []

    def delivered(error, _message):
        if error is not None:
            failures.append(str(error))

    if size < STAMP.size:
        raise SystemExit(f'producer: messages need at least {STAMP.size} bytes for the time stamp')
    producer = Producer({
        'bootstrap.servers': bootstrap,
        'broker.address.family': 'v4',
        'socket.nagle.disable': True,
        'linger.ms': 0,
        'acks': 'all',
    })
    padding = b'a' * (size - STAMP.size)
    started = time.monotonic()
    for sent in range(0, count, BURST):
        delay = started + sent / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        for _ in range(min(BURST, count - sent)):
            producer.produce(topic, STAMP.pack(time.monotonic()) + padding, partition=0, on_delivery=delivered)
        producer.poll(0)
    if producer.flush(30) > 0:
        raise SystemExit('producer: messages still unacknowledged after 30 s')
    if failures:
        raise SystemExit(f'producer: {len(failures)} messages failed, first: {failures[0]}')


if __name__ == '__main__':
    role = sys.argv[1] if len(sys.argv) > 1 else ''
    if role == 'consume' and len(sys.argv) == 6:
        consume(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
    elif role == 'produce' and len(sys.argv) == 7:
        produce(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]))
    else:
        raise SystemExit(__doc__)
