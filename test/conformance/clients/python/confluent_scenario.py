"""One conformance scenario with confluent-kafka 2.x (librdkafka 2.x), from PyPI in the suite's
virtualenv: prints what the client observed as one JSON object. The conformance suite runs it
against the embedded broker and against Apache Kafka and compares the two outputs.

    python confluent_scenario.py <bootstrap> <prefix>

Nothing printed depends on the broker's identity (ports, ids, producer ids, member ids) or on
the wall clock: records carry fixed timestamps.
"""

import json
import sys
import time

from confluent_kafka import (
    Consumer,
    ConsumerGroupState,
    IsolationLevel,
    KafkaException,
    Producer,
    TopicPartition,
)
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic, OffsetSpec

bootstrap, prefix = sys.argv[1:3]
out = {}
admin = AdminClient({"bootstrap.servers": bootstrap})


def topic(name):
    return f"{prefix}-{name}"


def error_name(future):
    try:
        future.result()
        return "NONE"
    except KafkaException as error:
        return error.args[0].name()


def create(name, partitions=1, config=None):
    admin.create_topics([NewTopic(topic(name), partitions, 1, config=config or {})])[topic(name)].result()

    # Kafka answers CreateTopics once the controller has the topic, before every broker serves
    # it: wait until metadata shows each partition with a leader.
    def led():
        found = admin.list_topics(topic(name), timeout=10).topics.get(topic(name))
        if found is None or found.error is not None or len(found.partitions) != partitions:
            return None
        return True if all(p.leader >= 0 for p in found.partitions.values()) else None

    wait_for(led, f"the leaders of {topic(name)}")


def wait_for(check, what, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value is not None:
            return value
        time.sleep(0.2)
    raise RuntimeError(f"timed out waiting for {what}")


# CreateTopics errors, as the admin client reports them.
bad = {
    "invalidPolicy": NewTopic(topic("c1"), 1, 1, config={"cleanup.policy": "bogus"}),
    "invalidNumber": NewTopic(topic("c2"), 1, 1, config={"retention.ms": "abc"}),
    "unknownConfig": NewTopic(topic("c3"), 1, 1, config={"no.such.config": "1"}),
    "replicationFactorAboveBrokers": NewTopic(topic("c4"), 1, 3),
}
futures = admin.create_topics(list(bad.values()))
for name, new in bad.items():
    out[f"createTopics.{name}"] = error_name(futures[new.topic])
create("exists")
out["createTopics.exists"] = error_name(admin.create_topics([NewTopic(topic("exists"), 1, 1)])[topic("exists")])
out["createTopics.validateOnly"] = error_name(
    admin.create_topics([NewTopic(topic("never"), 2, 1)], validate_only=True)[topic("never")]
)
out["createTopics.validateOnlyLeftNoTopic"] = topic("never") not in admin.list_topics(timeout=10).topics


def list_offsets(tp_specs, isolation=IsolationLevel.READ_UNCOMMITTED):
    result = admin.list_offsets(tp_specs, isolation_level=isolation)
    seen = {}
    for tp, future in result.items():
        try:
            info = future.result()
            seen[f"{tp.topic.removeprefix(prefix + '-')}:{tp.partition}"] = {
                "offset": info.offset,
                "timestamp": info.timestamp,
            }
        except KafkaException as error:
            seen[f"{tp.topic.removeprefix(prefix + '-')}:{tp.partition}"] = error.args[0].name()
    return seen


# Offsets by timestamp: records with fixed, out-of-order create times.
create("ts", 1)
producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 0})
for value, ts in [("a", 1_000), ("b", 3_000), ("c", 2_000), ("d", 3_000), ("e", 5_000)]:
    producer.produce(topic("ts"), value=value.encode(), timestamp=ts)
    producer.flush()
ts_partition = TopicPartition(topic("ts"), 0)
for name, spec in {
    "earliest": OffsetSpec.earliest(),
    "latest": OffsetSpec.latest(),
    "maxTimestamp": OffsetSpec.max_timestamp(),
    "at0": OffsetSpec.for_timestamp(0),
    "at2000": OffsetSpec.for_timestamp(2_000),
    "at2500": OffsetSpec.for_timestamp(2_500),
    "at5000": OffsetSpec.for_timestamp(5_000),
    "after": OffsetSpec.for_timestamp(6_000),
}.items():
    out[f"listOffsets.{name}"] = list_offsets({ts_partition: spec})
create("empty", 1)
out["listOffsets.maxTimestampEmpty"] = list_offsets({TopicPartition(topic("empty"), 0): OffsetSpec.max_timestamp()})
out["listOffsets.unknownPartition"] = list_offsets({TopicPartition(topic("ts"), 9): OffsetSpec.latest()})

# Transactions: committed and aborted data, the LSO of an open transaction, what each
# isolation level reads.
create("txn", 1)
txn = Producer({"bootstrap.servers": bootstrap, "transactional.id": topic("txn-id"), "linger.ms": 0})
txn.init_transactions(30)
for values, commit in [(["t1", "t2"], True), (["t3"], False), (["t4"], True)]:
    txn.begin_transaction()
    for value in values:
        txn.produce(topic("txn"), value=value.encode(), timestamp=10_000)
    txn.flush()
    if commit:
        txn.commit_transaction(30)
    else:
        txn.abort_transaction(30)
txn.begin_transaction()
txn.produce(topic("txn"), value=b"open", timestamp=10_000)
txn.flush()
txn_partition = TopicPartition(topic("txn"), 0)
out["txn.openLatestUncommitted"] = list_offsets({txn_partition: OffsetSpec.latest()})
out["txn.openLatestCommitted"] = list_offsets({txn_partition: OffsetSpec.latest()}, IsolationLevel.READ_COMMITTED)
txn.abort_transaction(30)


def settled():
    # Kafka writes the markers after EndTxn has answered: the LSO catches up with the high
    # watermark a moment later.
    committed = list_offsets({txn_partition: OffsetSpec.latest()}, IsolationLevel.READ_COMMITTED)
    return committed if committed == list_offsets({txn_partition: OffsetSpec.latest()}) else None


out["txn.afterAbortLatestCommitted"] = wait_for(settled, "the abort marker")


def read_all(name, isolation, expected_end):
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": topic(f"reader-{isolation}"),
            "isolation.level": isolation,
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
        }
    )
    consumer.assign([TopicPartition(topic(name), 0, 0)])
    records = []
    deadline = time.time() + 30
    while time.time() < deadline:
        message = consumer.poll(0.2)
        if message is None:
            position = consumer.position([TopicPartition(topic(name), 0)])[0].offset
            if position >= expected_end:
                break
            continue
        if message.error():
            records.append({"error": message.error().name()})
            continue
        records.append({"offset": message.offset(), "value": message.value().decode()})
    consumer.close()
    return records


end = out["txn.afterAbortLatestCommitted"][f"txn:0"]["offset"]
out["txn.readCommitted"] = read_all("txn", "read_committed", end)
out["txn.readUncommitted"] = read_all("txn", "read_uncommitted", end)

# DeleteRecords: the new low watermark, what it leaves, and a request past the high watermark.
create("del", 1)
for value in ["d0", "d1", "d2", "d3"]:
    producer.produce(topic("del"), value=value.encode(), timestamp=20_000)
producer.flush()
deleted = admin.delete_records([TopicPartition(topic("del"), 0, 2)])
for tp, future in deleted.items():
    out["deleteRecords.lowWatermark"] = future.result().low_watermark
past = admin.delete_records([TopicPartition(topic("del"), 0, 10)])
out["deleteRecords.pastEnd"] = [error_name(f) for f in past.values()]
out["deleteRecords.earliest"] = list_offsets({TopicPartition(topic("del"), 0): OffsetSpec.earliest()})

# Describes: a topic's own configs (non-defaults only, so the broker's version does not show)
# and a group's state through its life.
create("conf", 3, {"cleanup.policy": "compact", "retention.ms": "3600000", "max.message.bytes": "2000"})
described = admin.describe_configs([ConfigResource("topic", topic("conf"))])
for future in described.values():
    entries = future.result()
    out["describeConfigs.nonDefault"] = sorted(
        [name, entry.value, entry.source] for name, entry in entries.items() if not entry.is_default
    )
metadata = admin.list_topics(topic("conf"), timeout=10).topics[topic("conf")]
out["metadata.partitions"] = sorted(metadata.partitions)

group = topic("group")
create("g", 4)


def describe_group():
    description = admin.describe_consumer_groups([group])[group].result()
    return {
        "state": description.state.name,
        "members": sorted(
            sorted(tp.partition for tp in member.assignment.topic_partitions) for member in description.members
        ),
        "protocol": description.partition_assignor,
    }


def member():
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "session.timeout.ms": 6000,
            "heartbeat.interval.ms": 500,
            "partition.assignment.strategy": "range",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe([topic("g")])
    return consumer


def stable_with(members, consumers):
    for consumer in consumers:
        consumer.poll(0.1)
    seen = describe_group()
    if seen["state"] == ConsumerGroupState.STABLE.name and len(seen["members"]) == members:
        if sum(len(m) for m in seen["members"]) == 4:
            return seen
    return None


first = member()
out["group.oneMember"] = wait_for(lambda: stable_with(1, [first]), "one stable member")
second = member()
out["group.twoMembers"] = wait_for(lambda: stable_with(2, [first, second]), "two stable members")
second.close()
out["group.afterLeave"] = wait_for(lambda: stable_with(1, [first]), "one member after a leave")
first.close()
out["group.empty"] = describe_group()
out["group.deleted"] = [error_name(f) for f in admin.delete_consumer_groups([group]).values()]

print(json.dumps(out, sort_keys=True))
