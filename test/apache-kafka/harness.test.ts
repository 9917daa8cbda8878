// The Apache Kafka harness itself (test/support/apache-kafka): a real broker from its jars,
// single node and three nodes, answering clients, surviving kill -9 and SIGSTOP of a node,
// and leaving no process or data behind. Runs under `npm run test:kafka` (it needs Java).
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import kafkajs from "kafkajs";
import { afterAll, describe, expect, it } from "vitest";
import { startApacheKafka } from "../support/apache-kafka/index.js";
import type { ApacheKafka } from "../support/apache-kafka/index.js";
import { testKafkaSelection } from "../support/kafka-under-test/kafka-under-test.js";
import { DEFAULT_KAFKA_LINE, KAFKA_RELEASES } from "../support/apache-kafka/versions.js";

const selection = testKafkaSelection();
const line = selection.kind === "apache" ? selection.line : DEFAULT_KAFKA_LINE;
const started: ApacheKafka[] = [];

afterAll(async () => {
  await Promise.all(started.map((kafka) => kafka.stop({ kill: true })));
});

function client(bootstrap: string): kafkajs.Kafka {
  return new kafkajs.Kafka({
    clientId: "harness-test",
    brokers: bootstrap.split(","),
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 100 },
  });
}

async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not so after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe(`Apache Kafka ${KAFKA_RELEASES[line].version} from its jars`, () => {
  it("runs one KRaft node on a loopback port that produces and consumes, and stops leaving only its log", async () => {
    const kafka = await startApacheKafka({ line });
    started.push(kafka);
    expect(kafka.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
    const admin = client(kafka.bootstrap).admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: false, topics: [{ topic: "harness", numPartitions: 2 }] });
    const partitions = await eventually(async () => {
      const [topic] = (await admin.fetchTopicMetadata({ topics: ["harness"] })).topics;
      return topic?.partitions.every((p) => p.leader === 1) ? topic.partitions : undefined;
    });
    expect(partitions).toHaveLength(2);
    await admin.disconnect();

    const producer = client(kafka.bootstrap).producer();
    await producer.connect();
    const [sent] = await producer.send({ topic: "harness", messages: [{ key: "k", value: "v", partition: 1 }] });
    await producer.disconnect();
    expect(sent?.baseOffset).toBe("0");

    const log = await readFile(kafka.logFiles[0] ?? "", "utf8");
    expect(log).toContain(`Kafka ${KAFKA_RELEASES[line].version}`);
    expect(log).toMatch(/Kafka Server started|KafkaRaftServer.*started/);

    const node = kafka.node(1);
    const pid = node.pid ?? 0;
    expect(alive(pid)).toBe(true);
    await kafka.stop();
    expect(alive(pid)).toBe(false);
    expect(node.state).toBe("stopped");
    expect(existsSync(node.dataDir)).toBe(false);
    expect(existsSync(node.logFile)).toBe(true);
  });

  it(
    "runs three nodes: topics replicated three times with min.insync.replicas 2, through kill -9, restart and SIGSTOP",
    { timeout: 300_000 },
    async () => {
      const kafka = await startApacheKafka({ line, nodes: 3 });
      started.push(kafka);
      expect(kafka.bootstrap.split(",")).toHaveLength(3);
      const admin = client(kafka.bootstrap).admin();
      await admin.connect();
      try {
        // A node that misses heartbeats on a loaded machine is fenced, and unlisted, until its
        // next one: the three are listed once each is heard from again.
        const brokers = await eventually(async () => {
          const listed = (await admin.describeCluster()).brokers;
          return listed.length === 3 ? listed : undefined;
        });
        expect(brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
        // kafkajs' own wait for leaders gives up on the UNKNOWN_TOPIC_OR_PARTITION that a broker
        // answers until the controller's record of the topic reaches it.
        await admin.createTopics({ waitForLeaders: false, topics: [{ topic: "replicated", numPartitions: 3 }] });
        const topic = await eventually(async () => {
          const [found] = (await admin.fetchTopicMetadata({ topics: ["replicated"] })).topics;
          return found?.partitions.length === 3 && found.partitions.every((p) => p.isr.length === 3)
            ? found
            : undefined;
        });
        for (const partition of topic?.partitions ?? []) expect(partition.replicas).toHaveLength(3);
        // The metadata above came from a broker that knows the topic; DescribeConfigs may go to
        // another, which answers UNKNOWN_TOPIC_OR_PARTITION until the topic's record reaches it too.
        const configs = await eventually(() =>
          admin.describeConfigs({
            resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: "replicated" }],
            includeSynonyms: false,
          }),
        );
        const minIsr = configs.resources[0]?.configEntries.find((e) => e.configName === "min.insync.replicas");
        expect(minIsr?.configValue).toBe("2");

        // kill -9 one node: once the controller has moved its leaderships (after the broker's
        // session timeout), acks=all writes go on with two in sync; the node comes back on its data.
        await kafka.node(2).kill();
        expect(kafka.node(2).state).toBe("stopped");
        await eventually(async () => {
          const [after] = (await admin.fetchTopicMetadata({ topics: ["replicated"] })).topics;
          return after?.partitions.every((p) => p.leader !== 2 && !p.isr.includes(2)) ? true : undefined;
        });
        const producer = client(kafka.bootstrap).producer();
        await producer.connect();
        await producer.send({ topic: "replicated", acks: -1, messages: [{ value: "with two", partition: 0 }] });
        await kafka.restart(2);
        expect(kafka.node(2).state).toBe("running");

        // SIGSTOP: the node stays up but answers nothing, until SIGCONT.
        kafka.node(3).freeze();
        expect(kafka.node(3).state).toBe("frozen");
        kafka.node(3).thaw();
        await kafka.waitForBrokers(3);
        await producer.send({ topic: "replicated", acks: -1, messages: [{ value: "after", partition: 0 }] });
        await producer.disconnect();
        const offsets = await admin.fetchTopicOffsets("replicated");
        expect(offsets.find((o) => o.partition === 0)?.high).toBe("2");
      } finally {
        await admin.disconnect();
      }
      const pids = kafka.nodes.map((n) => n.pid ?? 0);
      await kafka.stop();
      expect(pids.filter(alive)).toEqual([]);
    },
  );
});
