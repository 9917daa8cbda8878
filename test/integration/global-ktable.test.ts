// GlobalKTable on the broker: the global topic (3 partitions) joined by a stream (2
// partitions) without co-partitioning; the global store is restored from its topic
// before the instance runs, follows it afterwards, and a newly started instance restores
// the whole of it too and answers a local query of it without routing.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams, Serdes, StreamsBuilder } from "../../src/index.js";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import {
  createTopic,
  eventually,
  failedInstance,
  produce,
  readCommitted,
  silentLogger,
  startTestCluster,
  testStreamsConfig,
} from "./support/kafka.js";
import type { TestCluster } from "./support/kafka.js";

function enrichTopology() {
  const builder = new StreamsBuilder();
  const strings = { key: Serdes.string(), value: Serdes.string() };
  const products = builder.globalTable("catalog", { ...strings, store: "catalog" });
  builder
    .stream("purchases", strings)
    .leftJoin(
      products,
      (_customer, productId) => productId,
      (productId, name) => `${productId}=${name ?? "unknown"}`,
    )
    .to("purchases-named", strings);
  return builder.build();
}

describe("GlobalKTable", () => {
  let cluster: TestCluster;
  let stateDir: string;
  const instances: KafkaStreams[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-global-"));
    await createTopic(cluster.kafka, "catalog", 3);
    await createTopic(cluster.kafka, "purchases", 2);
    await createTopic(cluster.kafka, "purchases-named", 2);
  });

  afterAll(async () => {
    for (const streams of instances) await streams.close();
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  const sendCatalog = (rows: [string, string | null][]) =>
    produce(
      cluster.kafka,
      "catalog",
      rows.map(([key, value]) => ({ key, value, partition: partitionForKey(Buffer.from(key), 3) })),
    );
  const sendPurchases = (rows: [string, string][]) =>
    produce(
      cluster.kafka,
      "purchases",
      rows.map(([key, value]) => ({ key, value, partition: partitionForKey(Buffer.from(key), 2) })),
    );
  const start = async (name: string) => {
    const streams = new KafkaStreams(
      enrichTopology(),
      testStreamsConfig(cluster.bootstrap, join(stateDir, name), { applicationId: "enrich" }),
      { logger: silentLogger },
    );
    instances.push(streams);
    await streams.start();
    return streams;
  };
  const named = async (count: number, streams: KafkaStreams[]) =>
    eventually(
      async () => {
        const records = await readCommitted(cluster.bootstrap, "purchases-named");
        return records.length >= count ? records.map((r) => r.value?.toString()) : undefined;
      },
      30_000,
      `${count} joined purchases`,
      failedInstance(...streams),
    );

  it(
    "restores the whole topic before running, follows it, and restores it again on a new instance",
    { timeout: 120_000 },
    async () => {
      await sendCatalog(Array.from({ length: 30 }, (_, i) => [`p${i}`, `product ${i}`] as [string, string]));
      const first = await start("first");
      // Restored before the group was joined: the first purchases find every product.
      await sendPurchases([
        ["alice", "p1"],
        ["bob", "p29"],
        ["carol", "p99"],
      ]);
      expect((await named(3, [first])).sort()).toEqual(["p1=product 1", "p29=product 29", "p99=unknown"]);

      // Updates and deletes of the global topic reach the store while it runs.
      await sendCatalog([
        ["p1", "renamed 1"],
        ["p29", null],
        ["p99", "product 99"],
      ]);
      await eventually(
        async () => {
          const catalog = first.globalStore<string, string>("catalog");
          const [p1, p29, p99] = await Promise.all(["p1", "p29", "p99"].map((key) => catalog.get(key)));
          return p1 === "renamed 1" && p29 === undefined && p99 === "product 99" ? true : undefined;
        },
        20_000,
        "the catalog update",
        failedInstance(first),
      );
      await sendPurchases([
        ["dave", "p1"],
        ["erin", "p29"],
        ["frank", "p99"],
      ]);
      // (Read partition by partition: compare the whole set.)
      expect((await named(6, [first])).sort()).toEqual([
        "p1=product 1",
        "p1=renamed 1",
        "p29=product 29",
        "p29=unknown",
        "p99=product 99",
        "p99=unknown",
      ]);

      // A newly started instance holds the whole table, whichever tasks it gets, and answers locally.
      const second = await start("second");
      const store = second.globalStore<string, string>("catalog");
      expect(await store.get("p1")).toBe("renamed 1");
      expect(await store.get("p29")).toBeUndefined();
      expect(await store.approximateNumEntries()).toBe(30);
      const keys: string[] = [];
      for await (const { key } of store.all()) keys.push(key);
      expect(keys).toHaveLength(30);
      expect(() => second.globalStore("purchases")).toThrow(/no global store/);
    },
  );
});
