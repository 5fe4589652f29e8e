"""Drives confluent-kafka (librdkafka) against a broker: produce, consume in a group, metadata.

Usage:
  confluent_client.py produce BOOTSTRAP TOPIC COUNT          prints {"offsets": [...]}
  confluent_client.py consume BOOTSTRAP TOPIC GROUP COUNT    prints {"values": [...], "committed": N}
  confluent_client.py metadata BOOTSTRAP                     prints {"brokers": [...], "topics": [...]}
Options through the environment: SASL_MECHANISM, SASL_USERNAME, SASL_PASSWORD.
"""
import json
import os
import sys
import time

from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient


def config(bootstrap, **extra):
    conf = {'bootstrap.servers': bootstrap, 'broker.address.family': 'v4'}
    if os.environ.get('SASL_MECHANISM'):
        conf.update({
            'security.protocol': 'SASL_PLAINTEXT',
            'sasl.mechanism': os.environ['SASL_MECHANISM'],
            'sasl.username': os.environ['SASL_USERNAME'],
            'sasl.password': os.environ['SASL_PASSWORD'],
        })
    conf.update(extra)
    return conf


def produce(bootstrap, topic, count):
    producer = Producer(config(bootstrap, **{'enable.idempotence': True}))
    offsets = []
    errors = []

    def delivered(err, msg):
        if err is not None:
            errors.append(str(err))
        else:
            offsets.append(msg.offset())

    for i in range(count):
        producer.produce(topic, key=b'k%d' % (i % 3), value=b'rdkafka-%d' % i, on_delivery=delivered)
    producer.flush(20)
    if errors:
        raise SystemExit('delivery failed: ' + '; '.join(errors))
    return {'offsets': sorted(offsets)}


def consume(bootstrap, topic, group, count):
    consumer = Consumer(config(bootstrap, **{
        'group.id': group,
        'auto.offset.reset': 'earliest',
        'enable.auto.commit': False,
    }))
    consumer.subscribe([topic])
    values = []
    deadline = time.time() + 30
    while len(values) < count and time.time() < deadline:
        msg = consumer.poll(0.5)
        if msg is None:
            continue
        if msg.error():
            raise SystemExit('consume failed: %s' % msg.error())
        values.append(msg.value().decode())
    consumer.commit(asynchronous=False)
    committed = sum(max(tp.offset, 0) for tp in consumer.committed(consumer.assignment(), timeout=10))
    consumer.close()
    return {'values': values, 'committed': committed}


def metadata(bootstrap):
    admin = AdminClient(config(bootstrap))
    md = admin.list_topics(timeout=10)
    return {
        'brokers': ['%s:%d' % (b.host, b.port) for b in md.brokers.values()],
        'topics': sorted(md.topics.keys()),
    }


def main(argv):
    command = argv[1]
    if command == 'produce':
        result = produce(argv[2], argv[3], int(argv[4]))
    elif command == 'consume':
        result = consume(argv[2], argv[3], argv[4], int(argv[5]))
    elif command == 'metadata':
        result = metadata(argv[2])
    else:
        raise SystemExit('unknown command ' + command)
    print(json.dumps(result))


if __name__ == '__main__':
    main(sys.argv)
