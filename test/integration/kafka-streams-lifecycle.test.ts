import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConfigError,
  CopartitioningError,
  InternalTopicError,
  KafkaStreams,
  MissingSourceTopicError,
  Serdes,
  StreamsBuilder,
  StreamsState,
  UnknownOutputTopicError,
} from "../../src/index.js";
import type { StreamsConfig } from "../../src/index.js";
import { createTopic, silentLogger, startTestCluster } from "./support/kafka.js";
import type { TestCluster } from "./support/kafka.js";
import { urlVisitTopology } from "./support/topologies.js";

function joinTopology() {
  const builder = new StreamsBuilder();
  const customers = builder.table("customers", { key: Serdes.string(), value: Serdes.string(), store: "customers" });
  builder
    .stream("orders", { key: Serdes.string(), value: Serdes.string() })
    .join(customers, (order, customer) => `${order}:${customer}`)
    .to("enriched", { key: Serdes.string(), value: Serdes.string() });
  return builder.build();
}

describe("KafkaStreams lifecycle", () => {
  let cluster: TestCluster;
  let stateDir: string;
  const base = (): StreamsConfig => ({
    applicationId: "lifecycle",
    bootstrapServers: cluster.bootstrap,
    stateDir,
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 500,
  });

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-lifecycle-"));
  });

  afterAll(async () => {
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("rejects a bad config at construction, naming the fields", () => {
    expect(
      () =>
        new KafkaStreams(urlVisitTopology(), {
          applicationId: "x y",
          bootstrapServers: "nohost",
          numStandbyReplicas: -2,
        } as StreamsConfig),
    ).toThrow(ConfigError);
    try {
      new KafkaStreams(urlVisitTopology(), { applicationId: "x y", bootstrapServers: "nohost" });
    } catch (error) {
      expect((error as ConfigError).issues.map((i) => i.field).sort()).toEqual([
        "applicationId",
        "bootstrapServers[0]",
      ]);
    }
  });

  it("goes from CREATED to NOT_RUNNING when closed before start", async () => {
    const streams = new KafkaStreams(urlVisitTopology(), base(), { logger: silentLogger });
    const states: string[] = [];
    streams.setStateListener((now) => states.push(now));
    expect(await streams.close()).toBe(true);
    expect(states).toEqual([StreamsState.PENDING_SHUTDOWN, StreamsState.NOT_RUNNING]);
    await expect(streams.start()).rejects.toThrow(/only be called once, in CREATED/);
  });

  it("fails to start, in ERROR, when a source topic is missing", async () => {
    const streams = new KafkaStreams(urlVisitTopology(), base(), { logger: silentLogger });
    const states: string[] = [];
    streams.setStateListener((now) => states.push(now));
    const error = await streams.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingSourceTopicError);
    expect((error as Error).message).toMatch(/"visits"/);
    expect(states).toEqual([StreamsState.REBALANCING, StreamsState.PENDING_ERROR, StreamsState.ERROR]);
    expect(streams.state()).toBe(StreamsState.ERROR);
  });

  it("checks co-partitioning of a join against the real partition counts", async () => {
    await createTopic(cluster.kafka, "orders", 4);
    await createTopic(cluster.kafka, "customers", 3);
    const streams = new KafkaStreams(joinTopology(), { ...base(), applicationId: "joins" }, { logger: silentLogger });
    const error = await streams.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CopartitioningError);
    expect((error as Error).message).toMatch(/orders has 4/);
    expect((error as Error).message).toMatch(/customers has 3/);
  });

  it("names a missing output topic before processing anything", async () => {
    await createTopic(cluster.kafka, "visits", 3);
    const streams = new KafkaStreams(
      urlVisitTopology(),
      { ...base(), applicationId: "no-sink" },
      { logger: silentLogger },
    );
    const error = await streams.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownOutputTopicError);
    expect((error as Error).message).toMatch(/"visit-counts-out" does not exist/);
  });

  it("refuses an existing changelog with the wrong partition count", async () => {
    await createTopic(cluster.kafka, "wrong-visit-counts-changelog", 2, { "cleanup.policy": "compact" });
    const streams = new KafkaStreams(
      urlVisitTopology(),
      { ...base(), applicationId: "wrong" },
      { logger: silentLogger },
    );
    const error = await streams.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalTopicError);
    expect((error as Error).message).toMatch(/wrong-visit-counts-changelog has 2 partitions but the topology needs 3/);
  });

  it("closes cleanly when close() comes while start() is still joining", async () => {
    await createTopic(cluster.kafka, "visit-counts-out", 3);
    const streams = new KafkaStreams(
      urlVisitTopology(),
      { ...base(), applicationId: "closing-early" },
      { logger: silentLogger },
    );
    const starting = streams.start();
    expect(await streams.close({ timeout: 20_000 })).toBe(true);
    await starting.catch(() => undefined);
    expect(streams.state()).toBe(StreamsState.NOT_RUNNING);
  });
});
