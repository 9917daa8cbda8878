"""One conformance scenario with kafka-python (pure Python, its own protocol code): prints what
the client observed as one JSON object. The conformance suite runs it against the embedded
broker and against Apache Kafka and compares the two outputs.

    python kafka_python_scenario.py <bootstrap> <prefix>
"""

import json
import sys
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError

bootstrap, prefix = sys.argv[1:3]
out = {}
admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="conformance")


def topic(name):
    return f"{prefix}-{name}"


def short(name):
    return name.removeprefix(prefix + "-")


def create(name, partitions, replication=1, configs=None):
    try:
        admin.create_topics(
            {name: {"num_partitions": partitions, "replication_factor": replication, "configs": configs or {}}},
            wait_for_metadata=partitions > 0,
        )
    except KafkaError as error:
        return type(error).__name__
    return "NoError"


def wait_for(check, what, timeout=120, seen=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value is not None:
            return value
        time.sleep(0.2)
    raise RuntimeError(f"timed out waiting for {what}" + ("" if seen is None else f": {seen()}"))


out["createTopics.ok"] = create(topic("t"), 3)
out["createTopics.exists"] = create(topic("t"), 3)
out["createTopics.invalidConfig"] = create(topic("c1"), 1, 1, {"cleanup.policy": "bogus"})
out["createTopics.replicationFactor"] = create(topic("c2"), 1, 3)
out["createTopics.zeroPartitions"] = create(topic("c3"), 0)

# Records with fixed timestamps, keyed so that each lands in a known partition.
producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
sent = []
for i in range(12):
    metadata = producer.send(
        topic("t"), key=b"k%d" % i, value=b"v%d" % i, partition=i % 3, timestamp_ms=1_000 + 100 * i
    ).get(30)
    sent.append([metadata.partition, metadata.offset])
producer.close()
out["produce.offsets"] = sent

partitions = [TopicPartition(topic("t"), p) for p in range(3)]
probe = KafkaConsumer(bootstrap_servers=bootstrap)


def by_partition(result):
    return {f"{short(tp.topic)}:{tp.partition}": value for tp, value in sorted(result.items())}


out["offsets.beginning"] = by_partition(probe.beginning_offsets(partitions))
out["offsets.end"] = by_partition(probe.end_offsets(partitions))
for ts in [0, 1_450, 2_000, 9_999]:
    found = probe.offsets_for_times({tp: ts for tp in partitions})
    out[f"offsets.forTime{ts}"] = by_partition(
        {tp: None if value is None else [value.offset, value.timestamp] for tp, value in found.items()}
    )
probe.close()

# A group: one member, its committed offsets, the group's description before and after it leaves.
group = topic("group")


def group_consumer():
    return KafkaConsumer(
        topic("t"),
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        session_timeout_ms=6000,
        heartbeat_interval_ms=500,
    )


consumer = group_consumer()
records = []


def consumed_all():
    for batch in consumer.poll(timeout_ms=200).values():
        records.extend([r.partition, r.offset, r.key.decode(), r.value.decode(), r.timestamp] for r in batch)
    return True if len(records) >= 12 else None


def consumed_so_far():
    return f"{len(records)} records, assigned {sorted((tp.topic, tp.partition) for tp in consumer.assignment())}"


# kafka-python 3.0.12 now and then stops heartbeating right after a rejoin in its first seconds
# (seen on Apache Kafka 3.9: the coordinator evicts it, and it never joins again, so it is never
# assigned anything). A member that got nothing in 30 s is replaced by a new one, at most twice;
# what the scenario observes (the records, the group) is the same either way.
for attempt in range(3):
    try:
        wait_for(consumed_all, "12 records", timeout=30 if attempt < 2 else 120, seen=consumed_so_far)
        break
    except RuntimeError:
        if attempt == 2:
            raise
        if records or consumer.assignment():  # a member at work, only slow: wait as long as ever
            wait_for(consumed_all, "12 records", seen=consumed_so_far)
            break
        print(f"kafka-python member unassigned after 30 s; a new member joins ({consumed_so_far()})", file=sys.stderr)
        consumer.close()
        consumer = group_consumer()
out["consume.records"] = sorted(records)
consumer.commit()


def describe():
    description = admin.describe_groups([group])[group]
    return {
        "state": description["group_state"],
        "protocolType": description["protocol_type"],
        "protocol": description["protocol_data"],
        "members": len(description["members"]),
    }


out["group.stable"] = wait_for(lambda: describe() if describe()["state"] == "Stable" else None, "a stable group")
out["group.committed"] = by_partition(
    {tp: [meta.offset, meta.metadata] for tp, meta in admin.list_group_offsets({group: None})[group].items()}
)
consumer.close()
out["group.afterClose"] = wait_for(
    lambda: describe() if describe()["state"] == "Empty" else None, "an empty group", seen=describe
)
out["group.listed"] = sorted(
    [g["group_id"], g["protocol_type"], g.get("group_state")]
    for g in admin.list_groups()
    if g["group_id"].startswith(prefix)
)
out["deleteRecords"] = by_partition(
    {tp: meta["low_watermark"] for tp, meta in admin.delete_records({partitions[0]: 2}).items()}
)
admin.close()
print(json.dumps(out, sort_keys=True))
