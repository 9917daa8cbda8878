// The Processor API on Kafka (the embedded broker): a Topology built with addSource /
// addProcessor / addSink runs as a DSL one does; a source's autoOffsetReset decides where
// a partition the group never committed starts; context.commit() commits at once.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams, NoCommittedOffsetError, Serdes, StreamsState, Topology } from "../../src/index.js";
import type { AutoOffsetReset, ProcessorContext } from "../../src/index.js";
import {
  createTopic,
  eventually,
  produce,
  readCommitted,
  silentLogger,
  startTestCluster,
  testStreamsConfig,
} from "./support/kafka.js";
import type { TestCluster } from "./support/kafka.js";

const strings = { key: Serdes.string(), value: Serdes.string() };

/** Upper-cases values; asks for a commit after each record when `commitEach`. */
function upperCase(input: string, output: string, reset: AutoOffsetReset, commitEach = false): Topology {
  return new Topology()
    .addSource({ ...strings, autoOffsetReset: reset }, "source", input)
    .addProcessor(
      "upper",
      () => {
        let context!: ProcessorContext<string, string>;
        return {
          init(c: ProcessorContext<string, string>) {
            context = c;
          },
          async process(record: { key: string; value: string; timestamp: number; headers: never }) {
            await context.forward({ ...record, value: record.value.toUpperCase() });
            if (commitEach) context.commit();
          },
        };
      },
      "source",
    )
    .addSink("sink", output, strings, "upper");
}

const values = async (bootstrap: string, topic: string): Promise<string[]> =>
  (await readCommitted(bootstrap, topic)).map((record) => record.value?.toString() ?? "null");

describe("Processor API topologies on Kafka", () => {
  let cluster: TestCluster;
  let stateDir: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-papi-"));
  });

  afterAll(async () => {
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('starts an uncommitted partition at its end with autoOffsetReset "latest"', async () => {
    await createTopic(cluster.kafka, "latest-in", 2);
    await createTopic(cluster.kafka, "latest-out", 1);
    await produce(cluster.kafka, "latest-in", [
      { partition: 0, key: "a", value: "before" },
      { partition: 1, key: "b", value: "before" },
    ]);
    const streams = new KafkaStreams(
      upperCase("latest-in", "latest-out", "latest"),
      testStreamsConfig(cluster.broker.bootstrap, join(stateDir, "latest"), { applicationId: "latest" }),
      { logger: silentLogger, api: false },
    );
    await streams.start();
    try {
      await eventually(() => streams.isReady() || undefined);
      await produce(cluster.kafka, "latest-in", [
        { partition: 0, key: "a", value: "after" },
        { partition: 1, key: "b", value: "after" },
      ]);
      const out = await eventually(async () => {
        const found = await values(cluster.broker.bootstrap, "latest-out");
        return found.length >= 2 ? found : undefined;
      });
      expect(out).toEqual(["AFTER", "AFTER"]);
    } finally {
      await streams.close();
    }
  });

  it("commits at once when a processor calls context.commit(), whatever the commit interval", async () => {
    await createTopic(cluster.kafka, "commit-in", 1);
    await createTopic(cluster.kafka, "commit-out", 1);
    await produce(cluster.kafka, "commit-in", [{ partition: 0, key: "a", value: "x" }]);
    const streams = new KafkaStreams(
      upperCase("commit-in", "commit-out", "earliest", true),
      testStreamsConfig(cluster.broker.bootstrap, join(stateDir, "commit"), {
        applicationId: "commit",
        commitIntervalMs: 600_000,
      }),
      { logger: silentLogger, api: false },
    );
    await streams.start();
    try {
      const out = await eventually(async () => {
        const found = await values(cluster.broker.bootstrap, "commit-out");
        return found.length >= 1 ? found : undefined;
      });
      expect(out).toEqual(["X"]);
    } finally {
      await streams.close({ timeout: 20_000 });
    }
  });

  it('stops with NoCommittedOffsetError when a source says autoOffsetReset "none" and nothing is committed', async () => {
    await createTopic(cluster.kafka, "none-in", 1);
    await createTopic(cluster.kafka, "none-out", 1);
    const streams = new KafkaStreams(
      upperCase("none-in", "none-out", "none"),
      testStreamsConfig(cluster.broker.bootstrap, join(stateDir, "none"), { applicationId: "none" }),
      { logger: silentLogger, api: false },
    );
    await streams.start();
    try {
      await eventually(() => streams.state() === StreamsState.ERROR || undefined);
      expect(streams.fatalError).toBeInstanceOf(NoCommittedOffsetError);
      expect(streams.fatalError?.message).toMatch(/Partition 0 of input topic "none-in" has no committed offset/);
    } finally {
      await streams.close();
    }
  });

  it("reads every topic a pattern matches, topics created while it runs included, whatever their partition counts", async () => {
    await createTopic(cluster.kafka, "events-a", 2);
    await createTopic(cluster.kafka, "events-out", 1);
    await produce(cluster.kafka, "events-a", [
      { partition: 0, key: "a0", value: "1" },
      { partition: 1, key: "a1", value: "2" },
    ]);
    const topology = new Topology()
      .addSource(strings, "events", /events-[a-z]/)
      .addSink("out", "events-out", strings, "events");
    const streams = new KafkaStreams(
      topology,
      testStreamsConfig(cluster.broker.bootstrap, join(stateDir, "pattern"), {
        applicationId: "pattern",
        metadataMaxAgeMs: 300,
      }),
      { logger: silentLogger, api: false },
    );
    await streams.start();
    try {
      const keys = async (count: number): Promise<string[]> =>
        eventually(async () => {
          const found = (await readCommitted(cluster.broker.bootstrap, "events-out")).map(
            (record) => record.key?.toString() ?? "",
          );
          return found.length >= count ? found.sort() : undefined;
        });
      expect(await keys(2)).toEqual(["a0", "a1"]);
      // A new topic that matches, with its own partition count: read without a restart.
      await createTopic(cluster.kafka, "events-b", 3);
      await createTopic(cluster.kafka, "events-out-of-pattern", 1);
      await eventually(
        async () =>
          (await streams.localTasks()).some((task) => task.partitions.some((p) => p.topic === "events-b")) || undefined,
      );
      await produce(cluster.kafka, "events-b", [
        { partition: 2, key: "b2", value: "3" },
        { partition: 0, key: "b0", value: "4" },
      ]);
      await produce(cluster.kafka, "events-out-of-pattern", [{ partition: 0, key: "x", value: "5" }]);
      await produce(cluster.kafka, "events-a", [{ partition: 1, key: "a1-again", value: "6" }]);
      expect(await keys(5)).toEqual(["a0", "a1", "a1-again", "b0", "b2"]);
      expect(streams.state()).not.toBe(StreamsState.ERROR);
    } finally {
      await streams.close();
    }
  });
});
