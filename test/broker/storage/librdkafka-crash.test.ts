// kill -9 of the broker process under load from librdkafka (confluent-kafka's idempotent
// producer, acks=all): the producer rides out the crash and the restart on the same data
// directory and port, and afterwards every delivered record is stored exactly once.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { spawnBroker } from "../support/broker-process.js";
import { PYTHON } from "../support/third-party.js";

const PRODUCE_THROUGH_CRASH = `
import json, sys, time
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
bootstrap, topic, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
admin = AdminClient({"bootstrap.servers": bootstrap})
admin.create_topics([NewTopic(topic, 3, 1)])[topic].result()
delivered, failed = set(), []
def on_delivery(error, message):
    if error is None:
        delivered.add(message.value().decode())
    else:
        failed.append(error.name())
producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "acks": "all", "linger.ms": 5,
                     "message.timeout.ms": 60000, "reconnect.backoff.max.ms": 200})
for i in range(total):
    producer.produce(topic, key=b"k%d" % (i % 100), value=b"m%d" % i, on_delivery=on_delivery)
    producer.poll(0)
    if i == total // 3:
        print("crash now", flush=True)  # and keep producing: records are in flight when it dies
    if i % 1000 == 0:
        time.sleep(0.05)
remaining = producer.flush(60)
consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": topic + "-reader", "auto.offset.reset": "earliest",
                     "enable.partition.eof": True})
consumer.assign([TopicPartition(topic, p) for p in range(3)])
counts, eof, deadline = {}, set(), time.time() + 60
while len(eof) < 3 and time.time() < deadline:
    message = consumer.poll(0.2)
    if message is None:
        continue
    if message.error():
        eof.add(message.partition())
        continue
    value = message.value().decode()
    counts[value] = counts.get(value, 0) + 1
consumer.close()
print(json.dumps({"remaining": remaining, "failed": failed[:5], "delivered": len(delivered),
                  "missing": sorted(delivered - set(counts))[:10],
                  "duplicated": sorted(v for v, n in counts.items() if n > 1)[:10]}))
`;

describe("a broker killed with kill -9 under librdkafka load", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "eddy-rdkafka-crash-"));
  const children: ChildProcess[] = [];

  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await once(child, "exit");
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps every record delivered to an idempotent acks=all producer exactly once across the crash", async () => {
    const first = await spawnBroker(dataDir, 0);
    children.push(first.child);
    const total = 30_000;
    const python = spawn(PYTHON, ["-c", PRODUCE_THROUGH_CRASH, first.bootstrap, "rdkafka-crash", String(total)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(python);
    let stderr = "";
    python.stderr.on("data", (chunk: Buffer) => (stderr += String(chunk)));
    const lines = createInterface({ input: python.stdout });
    let summary: string | null = null;
    for await (const line of lines) {
      if (line === "crash now") {
        // The producer keeps sending the next records while the broker dies.
        first.child.kill("SIGKILL");
        await once(first.child, "exit");
        const second = await spawnBroker(dataDir, first.port);
        children.push(second.child);
      } else {
        summary = line;
      }
    }
    await once(python, "exit").catch(() => undefined);
    expect(summary, stderr).not.toBeNull();
    const result = JSON.parse(summary!) as {
      remaining: number;
      failed: string[];
      delivered: number;
      missing: string[];
      duplicated: string[];
    };
    expect(result.failed).toEqual([]);
    expect(result.remaining).toBe(0);
    expect(result.delivered).toBe(total);
    expect(result.missing).toEqual([]);
    expect(result.duplicated).toEqual([]);
  }, 120_000);
});
