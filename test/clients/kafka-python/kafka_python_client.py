"""Drives kafka-python against a broker: produce, consume in a group, list topics.

Usage:
  kafka_python_client.py produce BOOTSTRAP TOPIC COUNT     prints {"offsets": [...]}
  kafka_python_client.py consume BOOTSTRAP TOPIC GROUP COUNT  prints {"values": [...], "committed": N}
  kafka_python_client.py topics BOOTSTRAP                   prints {"topics": [...]}
Options through the environment: SASL_MECHANISM, SASL_USERNAME, SASL_PASSWORD.
"""
import json
import os
import sys

from kafka import KafkaConsumer, KafkaProducer, TopicPartition


def security():
    if not os.environ.get('SASL_MECHANISM'):
        return {}
    return {
        'security_protocol': 'SASL_PLAINTEXT',
        'sasl_mechanism': os.environ['SASL_MECHANISM'],
        'sasl_plain_username': os.environ['SASL_USERNAME'],
        'sasl_plain_password': os.environ['SASL_PASSWORD'],
    }


def produce(bootstrap, topic, count):
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks='all', retries=3, **security())
    futures = [producer.send(topic, key=b'k%d' % (i % 3), value=b'python-%d' % i) for i in range(count)]
    producer.flush(timeout=20)
    offsets = [f.get(timeout=20).offset for f in futures]
    producer.close(timeout=10)
    return {'offsets': offsets}


def consume(bootstrap, topic, group, count):
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset='earliest',
        enable_auto_commit=False,
        consumer_timeout_ms=20000,
        **security()
    )
    values = []
    for message in consumer:
        values.append(message.value.decode())
        if len(values) >= count:
            break
    consumer.commit()
    partitions = consumer.assignment()
    committed = sum(consumer.committed(tp) or 0 for tp in partitions)
    consumer.close()
    return {'values': values, 'committed': committed}


def topics(bootstrap):
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, **security())
    names = sorted(consumer.topics())
    consumer.close()
    return {'topics': names}


def main(argv):
    command = argv[1]
    if command == 'produce':
        result = produce(argv[2], argv[3], int(argv[4]))
    elif command == 'consume':
        result = consume(argv[2], argv[3], argv[4], int(argv[5]))
    elif command == 'topics':
        result = topics(argv[2])
    else:
        raise SystemExit('unknown command ' + command)
    print(json.dumps(result))


if __name__ == '__main__':
    main(sys.argv)
