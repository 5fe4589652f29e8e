"""Runs one AMQP scenario with pika against a broker and prints its observations as one JSON line.

Usage: /usr/bin/python3 scenarios.py <amqp-url> <scenario> [name-suffix]
The suffix is appended to every queue and exchange name the scenario creates.
"""
import decimal
import json
import sys
import time

import pika
from pika.exceptions import ChannelClosedByBroker, UnroutableError


def plain(value):
    """A header value as JSON can carry it."""
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


SUFFIX = sys.argv[3] if len(sys.argv) > 3 else ""


def named(name):
    """A queue or exchange name unique to this test run."""
    return name + SUFFIX


def connect(url):
    return pika.BlockingConnection(pika.URLParameters(url))


def drain(ch, queue, count, timeout=5.0):
    """Consumes `count` messages (acking each) and returns (body, redelivered, properties) tuples."""
    got = []
    deadline = time.time() + timeout
    for method, props, body in ch.consume(queue, inactivity_timeout=0.2):
        if method is None:
            if time.time() > deadline:
                break
            continue
        got.append((body.decode(), method.redelivered, props))
        ch.basic_ack(method.delivery_tag)
        if len(got) == count:
            break
    ch.cancel()
    return got


def routing(url):
    conn = connect(url)
    ch = conn.channel()
    ch.confirm_delivery()
    out = {}
    for kind, key in [("direct", "k"), ("fanout", "ignored"), ("topic", "a.b.c")]:
        ex = named("py." + kind)
        ch.exchange_declare(ex, exchange_type=kind)
        q = ch.queue_declare("", exclusive=True).method.queue
        ch.queue_bind(q, ex, routing_key={"direct": "k", "fanout": "", "topic": "a.#"}[kind])
        ch.basic_publish(ex, key, ("via " + kind).encode())
        out[kind] = [b for b, _, _ in drain(ch, q, 1)]
    ch.exchange_declare(named("py.headers"), exchange_type="headers")
    hq = ch.queue_declare("", exclusive=True).method.queue
    ch.queue_bind(hq, named("py.headers"), arguments={"x-match": "all", "format": "pdf", "type": "report"})
    ch.basic_publish(named("py.headers"), "", b"match", pika.BasicProperties(headers={"format": "pdf", "type": "report"}))
    ch.basic_publish(named("py.headers"), "", b"no-match", pika.BasicProperties(headers={"format": "pdf"}))
    out["headers"] = [b for b, _, _ in drain(ch, hq, 1)]
    props = pika.BasicProperties(content_type="application/json", delivery_mode=2, priority=4, correlation_id="c9",
                                 message_id="m9", timestamp=1700000001, headers={"n": 42, "s": "str", "l": [1, "two"], "d": decimal.Decimal("1.25")})
    ch.queue_declare(named("py.props"), durable=True)
    ch.basic_publish("", named("py.props"), b"{}", props)
    (_, _, p), = drain(ch, named("py.props"), 1)
    out["props"] = {"content_type": p.content_type, "delivery_mode": p.delivery_mode, "priority": p.priority,
                    "correlation_id": p.correlation_id, "message_id": p.message_id, "timestamp": p.timestamp,
                    "headers": {k: plain(v) for k, v in p.headers.items()}}
    conn.close()
    return out


def confirms(url):
    conn = connect(url)
    ch = conn.channel()
    ch.confirm_delivery()
    ch.queue_declare(named("py.confirm"))
    for i in range(50):
        ch.basic_publish("", named("py.confirm"), str(i).encode())
    count = ch.queue_declare(named("py.confirm"), passive=True).method.message_count
    returned = None
    try:
        ch.basic_publish("", "py.nowhere", b"lost", mandatory=True)
    except UnroutableError as e:
        returned = [m.method.reply_code for m in e.messages]
    ok, empty = ch.basic_get(named("py.confirm"), auto_ack=True), None
    ch.queue_purge(named("py.confirm"))
    empty = ch.basic_get(named("py.confirm"))
    conn.close()
    return {"count": count, "returned": returned, "first": ok[2].decode(), "message_count": ok[0].message_count,
            "empty": empty == (None, None, None)}


def acks(url):
    conn = connect(url)
    ch = conn.channel()
    ch.confirm_delivery()
    ch.queue_declare(named("py.acks"))
    for b in ["a", "b", "c"]:
        ch.basic_publish("", named("py.acks"), b.encode())
    ch.basic_qos(prefetch_count=2)
    first = []
    for method, _, body in ch.consume(named("py.acks"), inactivity_timeout=0.5):
        if method is None:
            break
        first.append((body.decode(), method.delivery_tag))
    # prefetch 2: only two are delivered until something is settled
    in_flight = [b for b, _ in first]
    ch.basic_nack(first[-1][1], multiple=True, requeue=True)
    again = []
    for method, _, body in ch.consume(named("py.acks"), inactivity_timeout=0.5):
        if method is None:
            break
        again.append((body.decode(), method.redelivered))
        ch.basic_ack(method.delivery_tag)
    ch.cancel()
    conn.close()
    return {"in_flight": in_flight, "again": again}


def errors(url):
    conn = connect(url)
    out = {}
    ch = conn.channel()
    try:
        ch.queue_declare("py.missing", passive=True)
    except ChannelClosedByBroker as e:
        out["passive"] = [e.reply_code, e.reply_text]
    ch = conn.channel()
    ch.queue_declare(named("py.equiv"), durable=True)
    try:
        ch.queue_declare(named("py.equiv"), durable=False)
    except ChannelClosedByBroker as e:
        out["equivalence"] = [e.reply_code, e.reply_text]
    owner = conn.channel()
    owner.queue_declare(named("py.exclusive"), exclusive=True)
    other = connect(url)
    try:
        other.channel().basic_consume(named("py.exclusive"), lambda *a: None)
    except ChannelClosedByBroker as e:
        out["exclusive"] = [e.reply_code, e.reply_text]
    other.close()
    ch = conn.channel()
    ch.tx_select()
    ch.basic_publish("", named("py.equiv"), b"tx")
    ch.tx_rollback()
    ch.basic_publish("", named("py.equiv"), b"tx2")
    ch.tx_commit()
    out["after_tx"] = ch.queue_declare(named("py.equiv"), passive=True).method.message_count
    conn.close()
    return out


if __name__ == "__main__":
    url, scenario = sys.argv[1], sys.argv[2]
    print(json.dumps(globals()[scenario](url)))
