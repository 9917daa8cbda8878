// The topics a store's serdes are told on Kafka, as Kafka Streams' stores tell theirs
// (ProcessorContextUtils.changelogFor): a task store its changelog, the same name when it
// has none, a global store its topic; and queries tell them the same as processing does,
// but for queryMetadataForKey(), which tells the key serde the store's source topic.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams, Serdes, StreamsBuilder } from "../../src/index.js";
import type { Serde, SerdeContext } from "../../src/index.js";
import {
  createTopic,
  eventually,
  failedInstance,
  readCommitted,
  silentLogger,
  startTestCluster,
  testStreamsConfig,
} from "./support/kafka.js";
import type { TestCluster } from "./support/kafka.js";

// Stamped within the last hour: Apache Kafka's retention deletes records stamped near 1970.
const T0 = Date.now() - (Date.now() % 60_000) - 60 * 60_000;
const APPLICATION_ID = "serde-topics";

/** `inner`, noting `<serialize|deserialize> <part> <topic>` under the store it was called for. */
function recording<T>(inner: Serde<T>, calls: Map<string, Set<string>>): Serde<T> {
  const note = (what: string, context: SerdeContext | undefined): void => {
    if (context?.store === undefined) return;
    const seen = calls.get(context.store) ?? new Set<string>();
    seen.add(`${what} ${context.part ?? "?"} ${context.topic ?? "(no topic)"}`);
    calls.set(context.store, seen);
  };
  return {
    name: inner.name,
    serialize(value: T, context?: SerdeContext): Buffer {
      note("serialize", context);
      return inner.serialize(value, context);
    },
    deserialize(bytes: Buffer, context?: SerdeContext): T {
      note("deserialize", context);
      return inner.deserialize(bytes, context);
    },
  };
}

describe("the topics a store's serdes are told, on Kafka", () => {
  let cluster: TestCluster;
  let stateDir: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-serde-topics-"));
    for (const topic of ["events", "products", "enriched"]) await createTopic(cluster.kafka, topic, 1);
  });

  afterAll(async () => {
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("a store its changelog (logged or not), a global store its topic, in processing and in queries; queryMetadataForKey() a source topic", async () => {
    const calls = new Map<string, Set<string>>();
    const builder = new StreamsBuilder();
    const products = builder.globalTable("products", {
      key: recording(Serdes.string(), calls),
      value: recording(Serdes.string(), calls),
      store: "products-store",
    });
    const events = builder.stream("events", { key: recording(Serdes.string(), calls), value: Serdes.string() });
    const concat = (a: string, b: string): string => a + b;
    events.groupByKey().reduce(concat, { store: "latest", value: recording(Serdes.string(), calls) });
    events.groupByKey().reduce(concat, { store: "unlogged", logging: false, value: recording(Serdes.string(), calls) });
    events
      .join(
        products,
        (key) => key,
        (value, product) => `${value}:${product}`,
      )
      .to("enriched", { key: Serdes.string(), value: Serdes.string() });
    const config = testStreamsConfig(cluster.broker.bootstrap, stateDir, {
      applicationId: APPLICATION_ID,
      cacheMaxBytes: 0,
    });
    const streams = new KafkaStreams(builder.build(), config, { logger: silentLogger, api: false });
    const producer = cluster.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: "products",
      acks: -1,
      messages: [{ key: "a", value: "apple", timestamp: String(T0), partition: 0 }],
    });
    await streams.start();
    await producer.send({
      topic: "events",
      acks: -1,
      messages: ["1", "2"].map((value, i) => ({ key: "a", value, timestamp: String(T0 + i), partition: 0 })),
    });
    await producer.disconnect();
    await eventually(
      async () => ((await readCommitted(cluster.broker.bootstrap, "enriched")).length >= 2 ? true : undefined),
      20_000,
      "the joined records",
      failedInstance(streams),
    );
    const changelog = (store: string): string => `${APPLICATION_ID}-${store}-changelog`;
    const getAndPut = (topic: string): Set<string> =>
      new Set([`serialize key ${topic}`, `deserialize value ${topic}`, `serialize value ${topic}`]);
    expect(calls.get("latest")).toEqual(getAndPut(changelog("latest")));
    expect(calls.get("unlogged")).toEqual(getAndPut(changelog("unlogged")));
    // Restored from its topic, then read by the join.
    expect(calls.get("products-store")).toEqual(
      new Set(["serialize key products", "serialize value products", "deserialize value products"]),
    );

    // queryMetadataForKey() tells the store's key serde the source topic with the most partitions.
    calls.clear();
    const { taskId } = streams.queryMetadataForKey("latest", "a");
    expect(calls.get("latest")).toEqual(new Set(["serialize key events"]));
    calls.clear();
    await eventually(async () =>
      (await streams.store<string, string>("latest", taskId).get("a")) === "12" ? true : undefined,
    );
    expect(await streams.globalStore<string, string>("products-store").get("a")).toBe("apple");
    expect(calls.get("latest")).toEqual(
      new Set([`serialize key ${changelog("latest")}`, `deserialize value ${changelog("latest")}`]),
    );
    expect(calls.get("products-store")).toEqual(new Set(["serialize key products", "deserialize value products"]));
    await streams.close();
  });
});
