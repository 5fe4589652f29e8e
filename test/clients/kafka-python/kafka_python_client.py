"""Drives kafka-python against a broker: produce, consume in a group, list topics.

Usage:
  kafka_python_client.py produce BOOTSTRAP TOPIC COUNT     prints {"offsets": [...]}
  kafka_python_client.py consume BOOTSTRAP TOPIC GROUP COUNT  prints {"values": [...], "committed": N}
  kafka_python_client.py topics BOOTSTRAP                   prints {"topics": [...]}
"""
import json
import sys

from kafka import KafkaConsumer, KafkaProducer, TopicPartition


def produce(bootstrap, topic, count):
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks='all', retries=3)
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
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
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
