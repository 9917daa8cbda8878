// kcat (librdkafka 2.0) against the embedded broker: metadata, produce/consume, groups,
// read_committed consumption and idempotent production.
import type { Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../src/broker/index.js";
import { kafkaClient } from "./support/kafkajs.js";
import { quietLogger } from "./support/quiet-logger.js";
import { runKcat } from "./support/third-party.js";
import { waitUntil } from "./support/wait.js";

interface KcatMetadata {
  brokers: { id: number; name: string }[];
  topics: { topic: string; partitions: { partition: number; leader: number }[] }[];
}

describe("kcat against the embedded broker", () => {
  let broker: RunningBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startBroker({ defaultPartitions: 3 });
    kafka = kafkaClient(broker.bootstrap);
  });

  afterAll(async () => {
    await broker.close();
  });

  const lines = (text: string) => text.split("\n").filter((line) => line.length > 0);

  it("lists the broker and the topics with -L", async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "listed", numPartitions: 4 }] });
    await admin.disconnect();
    const { stdout } = await runKcat(["-b", broker.bootstrap, "-L", "-J"]);
    const metadata = JSON.parse(stdout) as KcatMetadata;
    expect(metadata.brokers).toEqual([{ id: broker.nodeId, name: broker.bootstrap }]);
    const listed = metadata.topics.find((t) => t.topic === "listed")!;
    expect(listed.partitions.map((p) => [p.partition, p.leader])).toEqual([0, 1, 2, 3].map((p) => [p, broker.nodeId]));
    const text = await runKcat(["-b", broker.bootstrap, "-L"]);
    expect(text.stdout).toContain(`broker ${broker.nodeId} at ${broker.bootstrap} (controller)`);
    expect(text.stdout).toContain('topic "listed" with 4 partitions');
  });

  it("round-trips 1000 keyed records with -P and -C -e", async () => {
    const input = Array.from({ length: 1000 }, (_, i) => `key-${i % 50}:value-${i}`).join("\n") + "\n";
    await runKcat(["-b", broker.bootstrap, "-P", "-t", "keyed", "-K", ":"], input);
    const { stdout } = await runKcat([
      "-b",
      broker.bootstrap,
      "-C",
      "-t",
      "keyed",
      "-o",
      "beginning",
      "-e",
      "-q",
      "-f",
      "%p %o %k %s\\n",
    ]);
    const records = lines(stdout).map((line) => {
      const [partition, offset, key, value] = line.split(" ");
      return { partition: Number(partition), offset: Number(offset), key: key!, value: value! };
    });
    expect(records).toHaveLength(1000);
    expect(new Set(records.map((r) => r.value)).size).toBe(1000);
    const partitionOfKey = new Map<string, number>();
    for (const r of records) {
      expect(partitionOfKey.get(r.key) ?? r.partition).toBe(r.partition);
      partitionOfKey.set(r.key, r.partition);
    }
    for (let p = 0; p < 3; p++) {
      const inPartition = records.filter((r) => r.partition === p);
      expect(inPartition.map((r) => r.offset)).toEqual(inPartition.map((_, i) => i));
      // Produced order is kept within each key.
      const sequence = inPartition.map((r) => Number(r.value.slice("value-".length)));
      expect(sequence).toEqual([...sequence].sort((a, b) => a - b));
    }
  });

  it("consumes as a group with -G, commits, and resumes where it left off", async () => {
    const first = Array.from({ length: 30 }, (_, i) => `g${i}`).join("\n") + "\n";
    await runKcat(["-b", broker.bootstrap, "-P", "-t", "grouped"], first);
    const run1 = await runKcat([
      "-b",
      broker.bootstrap,
      "-G",
      "kcat-group",
      "-o",
      "beginning",
      "-e",
      "-q",
      "-f",
      "%s\\n",
      "grouped",
    ]);
    expect(lines(run1.stdout).sort()).toEqual(lines(first).sort());

    const admin = kafka.admin();
    await admin.connect();
    // librdkafka commits every partition it read from at its end; partitions the producer
    // left empty have no commit (-1).
    const committed = await admin.fetchOffsets({ groupId: "kcat-group", topics: ["grouped"] });
    const ends = await admin.fetchTopicOffsets("grouped");
    expect(ends.reduce((sum, p) => sum + Number(p.high), 0)).toBe(30);
    for (const { partition, high } of ends) {
      const offset = committed[0]!.partitions.find((p) => p.partition === partition)!.offset;
      expect(offset).toBe(high === "0" ? "-1" : high);
    }
    const groups = await admin.describeGroups(["kcat-group"]);
    expect(groups.groups[0]).toMatchObject({ state: "Empty", protocolType: "consumer" });
    await admin.disconnect();

    const second = Array.from({ length: 10 }, (_, i) => `h${i}`).join("\n") + "\n";
    await runKcat(["-b", broker.bootstrap, "-P", "-t", "grouped"], second);
    // Committed partitions resume where they were; partitions without a commit (empty the
    // first time) start from the earliest offset, where only new records are.
    const run2 = await runKcat([
      "-b",
      broker.bootstrap,
      "-G",
      "kcat-group",
      "-X",
      "auto.offset.reset=earliest",
      "-e",
      "-q",
      "-f",
      "%s\\n",
      "grouped",
    ]);
    expect(lines(run2.stdout).sort()).toEqual(lines(second).sort());
  });

  it("shows kcat with isolation.level=read_committed only committed transactions", async () => {
    const producer = kafka.producer({ transactionalId: "kcat-txn", idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const committed = await producer.transaction();
    await committed.send({
      topic: "kcat-txn",
      messages: [
        { partition: 0, value: "c1" },
        { partition: 0, value: "c2" },
      ],
    });
    await committed.commit();
    const aborted = await producer.transaction();
    await aborted.send({ topic: "kcat-txn", messages: [{ partition: 0, value: "a1" }] });
    await aborted.abort();
    const last = await producer.transaction();
    await last.send({ topic: "kcat-txn", messages: [{ partition: 0, value: "c3" }] });
    await last.commit();
    await producer.disconnect();
    const consume = (isolation: string) =>
      runKcat([
        "-b",
        broker.bootstrap,
        "-C",
        "-t",
        "kcat-txn",
        "-p",
        "0",
        "-X",
        `isolation.level=${isolation}`,
        "-o",
        "beginning",
        "-e",
        "-q",
        "-f",
        "%s\\n",
      ]);
    expect(lines((await consume("read_committed")).stdout)).toEqual(["c1", "c2", "c3"]);
    expect(lines((await consume("read_uncommitted")).stdout)).toEqual(["c1", "c2", "a1", "c3"]);
  });

  it("filters aborted records for kcat starting inside two aborted transactions", async () => {
    // Offsets: 0 p1, 1 p2, 2 p2, 3 p1, 4/5 abort markers, 6 committed, 7 its marker.
    const p1 = kafka.producer({ transactionalId: "kcat-inside-1", idempotent: true, maxInFlightRequests: 1 });
    const p2 = kafka.producer({ transactionalId: "kcat-inside-2", idempotent: true, maxInFlightRequests: 1 });
    await p1.connect();
    await p2.connect();
    const t1 = await p1.transaction();
    const t2 = await p2.transaction();
    const send = (t: typeof t1, value: string) => t.send({ topic: "kcat-inside", messages: [{ partition: 0, value }] });
    await send(t1, "p1-a");
    await send(t2, "p2-a");
    await send(t2, "p2-b");
    await send(t1, "p1-b");
    await t1.abort();
    await t2.abort();
    const t3 = await p1.transaction();
    await send(t3, "committed");
    await t3.commit();
    await p1.disconnect();
    await p2.disconnect();
    for (const start of ["0", "2", "3"]) {
      const { stdout } = await runKcat([
        "-b",
        broker.bootstrap,
        "-C",
        "-t",
        "kcat-inside",
        "-p",
        "0",
        "-X",
        "isolation.level=read_committed",
        "-o",
        start,
        "-e",
        "-q",
        "-f",
        "%s\\n",
      ]);
      expect(lines(stdout)).toEqual(["committed"]);
    }
  });

  it("produces with kcat -X enable.idempotence=true", async () => {
    const input = Array.from({ length: 500 }, (_, i) => `idempotent-${i}`).join("\n") + "\n";
    await runKcat(
      ["-b", broker.bootstrap, "-P", "-t", "kcat-idempotent", "-p", "0", "-X", "enable.idempotence=true"],
      input,
    );
    const { stdout } = await runKcat([
      "-b",
      broker.bootstrap,
      "-C",
      "-t",
      "kcat-idempotent",
      "-o",
      "beginning",
      "-e",
      "-q",
      "-f",
      "%o %s\\n",
    ]);
    expect(lines(stdout)).toEqual(Array.from({ length: 500 }, (_, i) => `${i} idempotent-${i}`));
  });
  it("round-trips gzip, snappy, lz4 and zstd batches from librdkafka byte for byte", async () => {
    const input = Array.from({ length: 500 }, (_, i) => `key-${i}:value-${i}-${"x".repeat(i % 40)}`).join("\n") + "\n";
    for (const codec of ["gzip", "snappy", "lz4", "zstd"]) {
      const topic = `codec-${codec}`;
      await runKcat(
        ["-b", broker.bootstrap, "-P", "-t", topic, "-p", "0", "-K", ":", "-z", codec, "-X", "linger.ms=50"],
        input,
      );
      const { stdout } = await runKcat([
        "-b",
        broker.bootstrap,
        "-C",
        "-t",
        topic,
        "-o",
        "beginning",
        "-e",
        "-q",
        "-f",
        "%o %k:%s\\n",
      ]);
      const records = lines(stdout);
      expect(records.map((line) => line.slice(line.indexOf(" ") + 1))).toEqual(lines(input));
      expect(records.map((line) => Number(line.split(" ")[0]))).toEqual(Array.from({ length: 500 }, (_, i) => i));
    }
  });

  it("consumes relative to the end (-o -10) and from a timestamp (-o s@ts), and queries offsets by time (-Q)", async () => {
    const topic = "by-time";
    const first = Array.from({ length: 30 }, (_, i) => `early-${i}`).join("\n") + "\n";
    await runKcat(["-b", broker.bootstrap, "-P", "-t", topic, "-p", "0"], first);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const boundary = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = Array.from({ length: 20 }, (_, i) => `late-${i}`).join("\n") + "\n";
    await runKcat(["-b", broker.bootstrap, "-P", "-t", topic, "-p", "0"], second);

    const tail = await runKcat(["-b", broker.bootstrap, "-C", "-t", topic, "-p", "0", "-o", "-10", "-e", "-q"]);
    expect(lines(tail.stdout)).toEqual(Array.from({ length: 10 }, (_, i) => `late-${i + 10}`));

    const since = await runKcat([
      "-b",
      broker.bootstrap,
      "-C",
      "-t",
      topic,
      "-p",
      "0",
      "-o",
      `s@${boundary}`,
      "-e",
      "-q",
    ]);
    expect(lines(since.stdout)).toEqual(Array.from({ length: 20 }, (_, i) => `late-${i}`));

    const query = await runKcat(["-b", broker.bootstrap, "-Q", "-t", `${topic}:0:${boundary}`]);
    expect(query.stdout).toContain(`${topic} [0] offset 30`);
    const future = await runKcat(["-b", broker.bootstrap, "-Q", "-t", `${topic}:0:${Date.now() + 3_600_000}`]);
    expect(future.stdout).toContain(`${topic} [0] offset -1`);
  });
  it("compacts snappy and lz4 batches from librdkafka and refuses their keyless records on a compacted topic", async () => {
    const cleaning = await startBroker({ logCleanerBackoffMs: 100, logger: quietLogger() });
    try {
      for (const codec of ["snappy", "lz4"]) {
        const topic = `compacted-${codec}`;
        const admin = kafkaClient(cleaning.bootstrap).admin();
        await admin.connect();
        await admin.createTopics({
          topics: [
            {
              topic,
              numPartitions: 1,
              configEntries: [
                { name: "cleanup.policy", value: "compact" },
                { name: "segment.bytes", value: "2048" },
              ],
            },
          ],
        });
        await admin.disconnect();
        for (let round = 0; round < 5; round++) {
          const input =
            Array.from({ length: 100 }, (_, i) => `key-${i % 20}:round-${round}-${i}-${"y".repeat(20)}`).join("\n") +
            "\n";
          await runKcat(
            ["-b", cleaning.bootstrap, "-P", "-t", topic, "-K", ":", "-z", codec, "-X", "linger.ms=20"],
            input,
          );
        }
        const readAll = async () => {
          const { stdout } = await runKcat([
            "-b",
            cleaning.bootstrap,
            "-C",
            "-t",
            topic,
            "-o",
            "beginning",
            "-e",
            "-q",
            "-f",
            "%k=%s\\n",
          ]);
          return lines(stdout);
        };
        await waitUntil(`${codec} batches compacted`, async () => (await readAll()).length < 200, 10_000);
        const latest = new Map((await readAll()).map((line) => line.split("=") as [string, string]));
        expect([...latest.keys()].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `key-${i}`).sort());
        for (const [key, value] of latest) {
          const i = Number(key.slice(4));
          expect(value).toBe(`round-4-${80 + i}-${"y".repeat(20)}`);
        }
        const keyless = await runKcat(["-b", cleaning.bootstrap, "-P", "-t", topic, "-z", codec], "no key\n").catch(
          (error: Error) => ({ stdout: "", stderr: error.message }),
        );
        expect(keyless.stderr).toContain("Broker failed to validate record");
      }
    } finally {
      await cleaning.close();
    }
  });
});
