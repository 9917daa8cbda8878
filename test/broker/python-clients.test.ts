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
def committed():
    return group.committed([TopicPartition(source, 0)], 10)[0].offset
producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": "py-txn", "enable.idempotence": True})
producer.init_transactions(10)
producer.begin_transaction()
for i in range(10):
    producer.produce(sink, key=b"k%d" % i, value=b"committed-%d" % i)
producer.send_offsets_to_transaction([TopicPartition(source, 0, 42)], group.consumer_group_metadata(), 10)
before_commit = committed()
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
print(json.dumps({"before_commit": before_commit, "after_commit": after_commit, "after_abort": after_abort,
                  "committed": read("read_committed"), "uncommitted": read("read_uncommitted"), "idempotent_high": high}))
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
    const result = JSON.parse(stdout) as { retention: string; values: string[]; assignment: number[]; committed: number };
    expect(result.retention).toBe("3600000");
    expect(result.values.sort()).toEqual(Array.from({ length: 200 }, (_, i) => `v${i}`).sort());
    expect(result.assignment).toEqual([0, 1, 2]);
    expect(result.committed).toBe(200);
  });

  it("kafka-python probes the broker's version, produces, consumes in a group and commits", async () => {
    const { stdout } = await runPython(KAFKA_PYTHON, [broker.bootstrap, "py-kafka", "kafka-python-group"]);
    const result = JSON.parse(stdout) as { version: number[]; values: string[]; committed: number; groups: string[]; state: string };
    // Inferred from our ApiVersions answer (Fetch v11 is the newest marker it finds): Kafka 2.3.
    expect(result.version).toEqual([2, 3, 0]);
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
      after_commit: number;
      after_abort: number;
      committed: string[];
      uncommitted: string[];
      idempotent_high: number;
    };
    expect(result.before_commit).toBeLessThan(0);
    expect(result.after_commit).toBe(42);
    expect(result.after_abort).toBe(42);
    const committedValues = Array.from({ length: 10 }, (_, i) => `committed-${i}`);
    expect(result.committed).toEqual(committedValues.sort());
    expect(result.uncommitted).toEqual([...committedValues, ...Array.from({ length: 5 }, (_, i) => `aborted-${i}`)].sort());
    expect(result.idempotent_high).toBe(1000);
  });
});
