// The Python clients from Debian: confluent-kafka 1.7 (librdkafka 2.0) and kafka-python
// 2.0.2 (pure Python, probes the broker with ApiVersions v0 and speaks older versions).
// confluent-kafka also runs transactions and an idempotent producer.
import type { Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../src/broker/index.js";
import { kafkaClient } from "./support/kafkajs.js";
import { runPython } from "./support/third-party.js";

const CONFLUENT = `
import json, sys, time
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic
bootstrap, topic, group = sys.argv[1:4]
admin = AdminClient({"bootstrap.servers": bootstrap})
admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1, config={"retention.ms": "3600000"})])[topic].result()
config = admin.describe_configs([ConfigResource("topic", topic)])
retention = list(config.values())[0].result()["retention.ms"].value
producer = Producer({"bootstrap.servers": bootstrap, "acks": "all"})
for i in range(200):
    producer.produce(topic, key=b"k%d" % (i % 20), value=b"v%d" % i, headers=[("n", str(i).encode())])
producer.flush()
consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
                     "enable.auto.commit": False, "session.timeout.ms": 6000})
consumer.subscribe([topic])
values, deadline = [], time.time() + 30
while len(values) < 200 and time.time() < deadline:
    message = consumer.poll(0.2)
    if message is None or message.error():
        continue
    assert message.headers() == [("n", message.value()[1:])]
    values.append(message.value().decode())
assignment = sorted(tp.partition for tp in consumer.assignment())
consumer.commit(asynchronous=False)
committed = sum(tp.offset for tp in consumer.committed([TopicPartition(topic, p) for p in range(3)]))
consumer.close()
print(json.dumps({"retention": retention, "values": values, "assignment": assignment, "committed": committed}))
`;

const KAFKA_PYTHON = `
import json, sys
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
bootstrap, topic, group = sys.argv[1:4]
admin = KafkaAdminClient(bootstrap_servers=bootstrap)
admin.create_topics([NewTopic(topic, 2, 1)])
producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
version = producer.config["api_version"]
for i in range(100):
    producer.send(topic, key=b"k%d" % i, value=b"v%d" % i)
producer.flush()
producer.close()
consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest",
                         enable_auto_commit=False, consumer_timeout_ms=2500, session_timeout_ms=6000,
                         heartbeat_interval_ms=500)
values = [m.value.decode() for m in consumer]
consumer.commit()
consumer.close()
offsets = admin.list_consumer_group_offsets(group)
groups = [g for g, _ in admin.list_consumer_groups()]
described = admin.describe_consumer_groups([group])[0]
admin.close()
print(json.dumps({"version": list(version), "values": values, "committed": sum(o.offset for o in offsets.values()),
                  "groups": groups, "state": described.state}))
`;

const CONFLUENT_TRANSACTIONS = `
import json, sys, time
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
bootstrap, source, sink = sys.argv[1:4]
admin = AdminClient({"bootstrap.servers": bootstrap})
for f in admin.create_topics([NewTopic(source, 1, 1), NewTopic(sink, 2, 1)]).values():
    f.result()
group = Consumer({"bootstrap.servers": bootstrap, "group.id": "py-txn-group", "enable.auto.commit": False})
# librdkafka's read_committed consumers (its default) fetch offsets with requireStable: an open
# transaction's offsets make them wait (UNSTABLE_OFFSET_COMMIT); a read_uncommitted one is answered at once.
uncommitted = Consumer({"bootstrap.servers": bootstrap, "group.id": "py-txn-group", "enable.auto.commit": False,
                        "isolation.level": "read_uncommitted"})
def committed(consumer=group, timeout=10):
    return consumer.committed([TopicPartition(source, 0)], timeout)[0].offset
def waits_for_stable():
    try:
        committed(group, 1)
        return False
    except Exception as e:
        return "Timed out" in str(e)
producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": "py-txn", "enable.idempotence": True})
producer.init_transactions(10)
producer.begin_transaction()
for i in range(10):
    producer.produce(sink, key=b"k%d" % i, value=b"committed-%d" % i)
producer.send_offsets_to_transaction([TopicPartition(source, 0, 42)], group.consumer_group_metadata(), 10)
before_commit = committed(uncommitted)
stable_wait = waits_for_stable()
producer.commit_transaction(10)
after_commit = committed()
producer.begin_transaction()
for i in range(5):
    producer.produce(sink, key=b"k%d" % i, value=b"aborted-%d" % i)
producer.flush(10)
producer.send_offsets_to_transaction([TopicPartition(source, 0, 99)], group.consumer_group_metadata(), 10)
producer.abort_transaction(10)
after_abort = committed()
group.close()
def read(isolation):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "py-read-" + isolation, "auto.offset.reset": "earliest",
                         "isolation.level": isolation, "enable.partition.eof": True})
    consumer.subscribe([sink])
    values, eof, deadline = [], set(), time.time() + 20
    while len(eof) < 2 and time.time() < deadline:
        message = consumer.poll(0.2)
        if message is None:
            continue
        if message.error():
            eof.add(message.partition())
            continue
        values.append(message.value().decode())
    consumer.close()
    return sorted(values)
idempotent = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "acks": "all"})
for i in range(1000):
    idempotent.produce(source, value=b"i%d" % i)
idempotent.flush(10)
low, high = Consumer({"bootstrap.servers": bootstrap, "group.id": "py-watermarks"}).get_watermark_offsets(TopicPartition(source, 0), 10)
uncommitted.close()
print(json.dumps({"before_commit": before_commit, "stable_wait": stable_wait, "after_commit": after_commit, "after_abort": after_abort,
                  "committed": read("read_committed"), "uncommitted": read("read_uncommitted"), "idempotent_high": high}))
`;

const CONFLUENT_ADMIN = `
import json, sys
from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic
bootstrap, prefix = sys.argv[1:3]
admin = AdminClient({"bootstrap.servers": bootstrap})
def error_of(future):
    try:
        future.result()
        return None
    except KafkaException as e:
        return e.args[0].name()
compacted, plain = prefix + "-compacted", prefix + "-plain"
out = {}
validated = admin.create_topics([NewTopic(compacted, 3, 1, config={"cleanup.policy": "compact"})], validate_only=True)
out["validated"] = error_of(validated[compacted])
out["after_validate"] = compacted in admin.list_topics(timeout=10).topics
created = admin.create_topics([NewTopic(compacted, 3, 1, config={"cleanup.policy": "compact"}), NewTopic(plain, 2, 1)])
out["created"] = [error_of(f) for f in created.values()]
out["duplicate"] = error_of(admin.create_topics([NewTopic(plain, 1, 1)])[plain])
out["bad_config"] = error_of(admin.create_topics([NewTopic(prefix + "-bad", 1, 1, config={"cleanup.policy": "sometimes"})])[prefix + "-bad"])
out["grown"] = error_of(admin.create_partitions([NewPartitions(plain, 5)])[plain])
out["shrunk"] = error_of(admin.create_partitions([NewPartitions(plain, 4)])[plain])
metadata = admin.list_topics(timeout=10)
out["partitions"] = {t: len(metadata.topics[t].partitions) for t in (compacted, plain)}
out["brokers"] = [b.id for b in metadata.brokers.values()]
out["controller"] = metadata.controller_id
topic_resource, broker_resource = ConfigResource("topic", compacted), ConfigResource("broker", str(metadata.controller_id))
described = admin.describe_configs([topic_resource, broker_resource])
topic_configs = described[topic_resource].result()
out["policy"] = [topic_configs["cleanup.policy"].value, topic_configs["cleanup.policy"].is_default]
out["retention_default"] = topic_configs["retention.ms"].is_default
out["broker_configs"] = len(described[broker_resource].result()) > 0
out["altered"] = error_of(admin.alter_configs([ConfigResource("topic", compacted, set_config={"retention.ms": "5000"})])[ConfigResource("topic", compacted)])
after = admin.describe_configs([topic_resource])[topic_resource].result()
out["after_alter"] = [after["retention.ms"].value, after["cleanup.policy"].value]
out["deleted"] = error_of(admin.delete_topics([plain])[plain])
out["delete_unknown"] = error_of(admin.delete_topics([prefix + "-missing"])[prefix + "-missing"])
out["listed_after_delete"] = plain in admin.list_topics(timeout=10).topics
print(json.dumps(out))
`;

const KAFKA_PYTHON_FULL = `
import json, sys, threading, time
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, NewPartitions, NewTopic
bootstrap, topic = sys.argv[1:3]
group = topic + "-group"
admin = KafkaAdminClient(bootstrap_servers=bootstrap)
out = {}
created = admin.create_topics([NewTopic(topic, 4, 1, topic_configs={"retention.ms": "100000"}), NewTopic(topic + "-x", 1, 1)])
out["created"] = [e for _, e, _ in created.topic_errors]
out["grown"] = [e for _, e, _ in admin.create_partitions({topic + "-x": NewPartitions(3)}).topic_errors]
described = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])[0].resources[0]
out["retention"] = [c[1] for c in described[4] if c[0] == "retention.ms"]
altered = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic, configs={"retention.ms": "200000"})])
out["altered"] = [r[0] for r in altered.resources]
out["deleted"] = [e for _, e in admin.delete_topics([topic + "-x"]).topic_error_codes]
producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", compression_type="gzip", linger_ms=20)
start = int(time.time() * 1000) - 100000
for i in range(400):
    producer.send(topic, key=b"k%d" % i, value=b"v%d" % i, timestamp_ms=start + i * 10)
producer.flush()
seen, assignments, stop = {}, {}, threading.Event()
def member(name):
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest",
                             enable_auto_commit=False, session_timeout_ms=6000, heartbeat_interval_ms=500)
    while not stop.is_set():
        for records in consumer.poll(100).values():
            for record in records:
                seen[record.value.decode()] = name
        assignments[name] = sorted(tp.partition for tp in consumer.assignment())
        consumer.commit()
    consumer.close()
# kafka-python joins inside poll(): each member needs its own thread, or the second
# member's JoinGroup waits for the first (as it would with Apache Kafka).
threads = [threading.Thread(target=member, args=(name,)) for name in ("a", "b")]
for thread in threads:
    thread.start()
deadline = time.time() + 30
while time.time() < deadline and not (len(seen) == 400 and len(assignments.get("a", [])) == 2 and len(assignments.get("b", [])) == 2):
    time.sleep(0.1)
out["seen"] = len(seen)
out["assignments"] = sorted(assignments.values())
description = admin.describe_consumer_groups([group])[0]
out["described"] = [description.state, description.protocol_type, len(description.members)]
stop.set()
for thread in threads:
    thread.join()
out["committed"] = sum(o.offset for o in admin.list_consumer_group_offsets(group).values())
out["listed"] = group in [g for g, _ in admin.list_consumer_groups()]
reader = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
partitions = [TopicPartition(topic, p) for p in range(4)]
reader.assign(partitions)
reader.seek_to_end()
out["ends"] = sum(reader.position(tp) for tp in partitions)
reader.seek_to_beginning()
out["beginnings"] = [reader.position(tp) for tp in partitions]
def record_at(tp, offset):
    reader.seek(tp, offset)
    deadline = time.time() + 5
    while time.time() < deadline:
        records = reader.poll(200, max_records=1).get(tp)
        if records:
            return records[0]
    raise AssertionError("no record at %s %d" % (tp, offset))
found = reader.offsets_for_times({tp: start + 2000 for tp in partitions})
first_after = []
for tp, hit in found.items():
    first_after.append([hit.timestamp, record_at(tp, hit.offset).timestamp])
    if hit.offset > 0:
        assert record_at(tp, hit.offset - 1).timestamp < start + 2000
out["by_time"] = [a == b and a >= start + 2000 for a, b in first_after]
out["future"] = list(reader.offsets_for_times({partitions[0]: start + 10 ** 8}).values())
reader.close()
out["group_deleted"] = [str(e.__name__) for _, e in admin.delete_consumer_groups([group])]
out["listed_after_delete"] = group in [g for g, _ in admin.list_consumer_groups()]
admin.close()
print(json.dumps(out))
`;

// confluent-kafka 1.7 exposes no group or record admin calls, but the librdkafka 2.0 it runs
// on has them: called through ctypes, unmodified, they send ListGroups, DescribeGroups,
// OffsetDelete and DeleteRecords as librdkafka encodes them.
const LIBRDKAFKA_ADMIN = `
import ctypes, json, sys
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
L = ctypes.CDLL("librdkafka.so.1")
vp = ctypes.c_void_p
for name, res, args in [
    ("rd_kafka_conf_new", vp, []), ("rd_kafka_conf_set", ctypes.c_int, [vp, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]),
    ("rd_kafka_new", vp, [ctypes.c_int, vp, ctypes.c_char_p, ctypes.c_size_t]), ("rd_kafka_queue_new", vp, [vp]),
    ("rd_kafka_queue_poll", vp, [vp, ctypes.c_int]), ("rd_kafka_event_error", ctypes.c_int, [vp]), ("rd_kafka_event_error_string", ctypes.c_char_p, [vp]),
    ("rd_kafka_event_type", ctypes.c_int, [vp]),
    ("rd_kafka_ListConsumerGroups", None, [vp, vp, vp]),
    ("rd_kafka_event_ListConsumerGroups_result", vp, [vp]),
    ("rd_kafka_ListConsumerGroups_result_valid", vp, [vp, ctypes.POINTER(ctypes.c_size_t)]),
    ("rd_kafka_ListConsumerGroups_result_errors", vp, [vp, ctypes.POINTER(ctypes.c_size_t)]),
    ("rd_kafka_ConsumerGroupListing_group_id", ctypes.c_char_p, [vp]),
    ("rd_kafka_ConsumerGroupListing_state", ctypes.c_int, [vp]),
    ("rd_kafka_DescribeConsumerGroups", None, [vp, ctypes.POINTER(ctypes.c_char_p), ctypes.c_size_t, vp, vp]),
    ("rd_kafka_event_DescribeConsumerGroups_result", vp, [vp]),
    ("rd_kafka_DescribeConsumerGroups_result_groups", ctypes.POINTER(vp), [vp, ctypes.POINTER(ctypes.c_size_t)]),
    ("rd_kafka_ConsumerGroupDescription_group_id", ctypes.c_char_p, [vp]),
    ("rd_kafka_ConsumerGroupDescription_error", vp, [vp]),
    ("rd_kafka_ConsumerGroupDescription_state", ctypes.c_int, [vp]),
    ("rd_kafka_ConsumerGroupDescription_partition_assignor", ctypes.c_char_p, [vp]),
    ("rd_kafka_ConsumerGroupDescription_member_count", ctypes.c_size_t, [vp]),
    ("rd_kafka_error_string", ctypes.c_char_p, [vp]),
    ("rd_kafka_topic_partition_list_new", vp, [ctypes.c_int]),
    ("rd_kafka_topic_partition_list_add", vp, [vp, ctypes.c_char_p, ctypes.c_int32]),
    ("rd_kafka_DeleteConsumerGroupOffsets_new", vp, [ctypes.c_char_p, vp]),
    ("rd_kafka_DeleteConsumerGroupOffsets", None, [vp, ctypes.POINTER(vp), ctypes.c_size_t, vp, vp]),
    ("rd_kafka_DeleteRecords_new", vp, [vp]),
    ("rd_kafka_DeleteRecords", None, [vp, ctypes.POINTER(vp), ctypes.c_size_t, vp, vp]),
]:
    f = getattr(L, name); f.restype = res; f.argtypes = args
bootstrap, group, topic = sys.argv[1:4]
setup = AdminClient({"bootstrap.servers": bootstrap})
setup.create_topics([NewTopic(topic, 2, 1)])[topic].result()
producer = Producer({"bootstrap.servers": bootstrap})
for i in range(20):
    producer.produce(topic, value=b"m%d" % i, partition=0)
producer.flush(10)
committer = Consumer({"bootstrap.servers": bootstrap, "group.id": group})
committer.commit(offsets=[TopicPartition(topic, 0, 7), TopicPartition(topic, 1, 0)], asynchronous=False)
committer.close()
conf = L.rd_kafka_conf_new()
errstr = ctypes.create_string_buffer(512)
L.rd_kafka_conf_set(conf, b"bootstrap.servers", bootstrap.encode(), errstr, 512)
rk = L.rd_kafka_new(0, conf, errstr, 512)
queue = L.rd_kafka_queue_new(rk)
out = {}
def result_error():
    event = L.rd_kafka_queue_poll(queue, 10000)
    assert event, "no admin result within 10 s"
    return event, L.rd_kafka_event_error(event)
L.rd_kafka_ListConsumerGroups(rk, None, queue)
event, out["list_error"] = result_error()
result, count = L.rd_kafka_event_ListConsumerGroups_result(event), ctypes.c_size_t()
valid = ctypes.cast(L.rd_kafka_ListConsumerGroups_result_valid(result, ctypes.byref(count)), ctypes.POINTER(vp))
out["listed"] = sorted(L.rd_kafka_ConsumerGroupListing_group_id(valid[i]).decode() for i in range(count.value))
names = (ctypes.c_char_p * 2)(group.encode(), b"no-such-group")
L.rd_kafka_DescribeConsumerGroups(rk, names, 2, None, queue)
event, out["describe_error"] = result_error()
described = L.rd_kafka_DescribeConsumerGroups_result_groups(L.rd_kafka_event_DescribeConsumerGroups_result(event), ctypes.byref(count))
# librdkafka's rd_kafka_consumer_group_state_t: 4 Dead, 5 Empty.
out["described"] = [[L.rd_kafka_ConsumerGroupDescription_group_id(described[i]).decode(),
                     L.rd_kafka_ConsumerGroupDescription_state(described[i]),
                     bool(L.rd_kafka_ConsumerGroupDescription_error(described[i]))] for i in range(count.value)]
partitions = L.rd_kafka_topic_partition_list_new(1)
L.rd_kafka_topic_partition_list_add(partitions, topic.encode(), 0)
deletions = (vp * 1)(L.rd_kafka_DeleteConsumerGroupOffsets_new(group.encode(), partitions))
L.rd_kafka_DeleteConsumerGroupOffsets(rk, deletions, 1, None, queue)
event, out["offset_delete_error"] = result_error()
class TopicPartitionStruct(ctypes.Structure):
    _fields_ = [("topic", ctypes.c_char_p), ("partition", ctypes.c_int32), ("offset", ctypes.c_int64), ("metadata", vp),
                ("metadata_size", ctypes.c_size_t), ("opaque", vp), ("err", ctypes.c_int), ("_private", vp)]
before = L.rd_kafka_topic_partition_list_new(1)
entry = ctypes.cast(L.rd_kafka_topic_partition_list_add(before, topic.encode(), 0), ctypes.POINTER(TopicPartitionStruct))
entry[0].offset = 5
records = (vp * 1)(L.rd_kafka_DeleteRecords_new(before))
L.rd_kafka_DeleteRecords(rk, records, 1, None, queue)
event, out["delete_records_error"] = result_error()
consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group})
out["committed_after"] = consumer.committed([TopicPartition(topic, 0), TopicPartition(topic, 1)], 10)[0].offset
out["watermarks"] = list(consumer.get_watermark_offsets(TopicPartition(topic, 0), 10))
consumer.close()
print(json.dumps(out))
`;

const TIMESTAMPS_IN_COMPRESSED_BATCHES = `
import json, sys
from confluent_kafka import Consumer, Producer, TopicPartition
bootstrap, prefix = sys.argv[1:3]
found = {}
for codec in ("gzip", "snappy", "lz4"):
    topic = prefix + "-" + codec
    producer = Producer({"bootstrap.servers": bootstrap, "compression.type": codec, "linger.ms": 100})
    for i in range(10):
        producer.produce(topic, value=b"v%d" % i, partition=0, timestamp=1_000_000 + i * 1000)
    producer.flush(10)
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": topic})
    hit = consumer.offsets_for_times([TopicPartition(topic, 0, 1_005_500)], 10)[0]
    found[codec] = hit.offset
    consumer.close()
print(json.dumps(found))
`;

describe("Python clients against the embedded broker", () => {
  let broker: RunningBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startBroker();
    kafka = kafkaClient(broker.bootstrap);
  });

  afterAll(async () => {
    await broker.close();
  });

  it("confluent-kafka creates a topic, produces, consumes in a group and commits", async () => {
    const { stdout } = await runPython(CONFLUENT, [broker.bootstrap, "py-confluent", "confluent-group"]);
    const result = JSON.parse(stdout) as {
      retention: string;
      values: string[];
      assignment: number[];
      committed: number;
    };
    expect(result.retention).toBe("3600000");
    expect(result.values.sort()).toEqual(Array.from({ length: 200 }, (_, i) => `v${i}`).sort());
    expect(result.assignment).toEqual([0, 1, 2]);
    expect(result.committed).toBe(200);
  });

  it("kafka-python probes the broker's version, produces, consumes in a group and commits", async () => {
    const { stdout } = await runPython(KAFKA_PYTHON, [broker.bootstrap, "py-kafka", "kafka-python-group"]);
    const result = JSON.parse(stdout) as {
      version: number[];
      values: string[];
      committed: number;
      groups: string[];
      state: string;
    };
    // Inferred from our ApiVersions answer (Produce v8's record errors, KIP-467, are the newest
    // marker it finds; Fetch stops at v11): Kafka 2.4.
    expect(result.version).toEqual([2, 4, 0]);
    expect(result.values.sort()).toEqual(Array.from({ length: 100 }, (_, i) => `v${i}`).sort());
    expect(result.committed).toBe(100);
    expect(result.groups).toContain("kafka-python-group");
    expect(result.state).toBe("Empty");
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId: "kafka-python-group", topics: ["py-kafka"] });
    await admin.disconnect();
    expect(offsets[0]!.partitions.reduce((sum, p) => sum + Number(p.offset), 0)).toBe(100);
  });

  it("confluent-kafka runs transactions with send_offsets_to_transaction, and an idempotent producer", async () => {
    const { stdout } = await runPython(CONFLUENT_TRANSACTIONS, [broker.bootstrap, "py-txn-source", "py-txn-sink"]);
    const result = JSON.parse(stdout) as {
      before_commit: number;
      stable_wait: boolean;
      after_commit: number;
      after_abort: number;
      committed: string[];
      uncommitted: string[];
      idempotent_high: number;
    };
    expect(result.before_commit).toBeLessThan(0);
    expect(result.stable_wait).toBe(true);
    expect(result.after_commit).toBe(42);
    expect(result.after_abort).toBe(42);
    const committedValues = Array.from({ length: 10 }, (_, i) => `committed-${i}`);
    expect(result.committed).toEqual(committedValues.sort());
    expect(result.uncommitted).toEqual(
      [...committedValues, ...Array.from({ length: 5 }, (_, i) => `aborted-${i}`)].sort(),
    );
    expect(result.idempotent_high).toBe(1000);
  });
  it("confluent-kafka's AdminClient: validate-only and real creation, errors, partitions, configs, deletion", async () => {
    const { stdout } = await runPython(CONFLUENT_ADMIN, [broker.bootstrap, "py-admin"]);
    expect(JSON.parse(stdout)).toEqual({
      validated: null,
      after_validate: false,
      created: [null, null],
      duplicate: "TOPIC_ALREADY_EXISTS",
      bad_config: "INVALID_CONFIG",
      grown: null,
      shrunk: "INVALID_PARTITIONS",
      partitions: { "py-admin-compacted": 3, "py-admin-plain": 5 },
      brokers: [broker.nodeId],
      controller: broker.nodeId,
      policy: ["compact", false],
      retention_default: true,
      broker_configs: true,
      altered: null,
      // AlterConfigs replaces the whole set: cleanup.policy falls back to its default.
      after_alter: ["5000", "delete"],
      deleted: null,
      delete_unknown: "UNKNOWN_TOPIC_OR_PART",
      listed_after_delete: false,
    });
  });

  it("kafka-python: admin, a two-member group, gzip, seeking and offsets_for_times", async () => {
    const { stdout } = await runPython(KAFKA_PYTHON_FULL, [broker.bootstrap, "py-kafka-full"]);
    expect(JSON.parse(stdout)).toEqual({
      created: [0, 0],
      grown: [0],
      retention: ["100000"],
      altered: [0],
      deleted: [0],
      seen: 400,
      assignments: [
        [0, 1],
        [2, 3],
      ],
      described: ["Stable", "consumer", 2],
      committed: 400,
      listed: true,
      ends: 400,
      beginnings: [0, 0, 0, 0],
      by_time: [true, true, true, true],
      future: [null],
      group_deleted: ["NoError"],
      listed_after_delete: false,
    });
  });
  it("librdkafka's admin API (ctypes): list and describe groups, delete a group's offsets, delete records", async () => {
    const { stdout } = await runPython(LIBRDKAFKA_ADMIN, [broker.bootstrap, "rdkafka-admin-group", "rdkafka-admin"]);
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(result).toMatchObject({
      list_error: 0,
      describe_error: 0,
      described: [
        ["rdkafka-admin-group", 5, false],
        ["no-such-group", 4, false],
      ],
      offset_delete_error: 0,
      delete_records_error: 0,
      committed_after: -1001,
      watermarks: [5, 20],
    });
    expect(result.listed).toContain("rdkafka-admin-group");
  });
  it("finds offsets by timestamp inside gzip, snappy and lz4 batches from librdkafka", async () => {
    const { stdout } = await runPython(TIMESTAMPS_IN_COMPRESSED_BATCHES, [broker.bootstrap, "py-timestamps"]);
    // One batch of ten records per codec, a second apart: the first at or after 5.5 s is offset 6.
    expect(JSON.parse(stdout)).toEqual({ gzip: 6, snappy: 6, lz4: 6 });
  });
});
