// The topic a store's serdes are told (Kafka Streams' ProcessorContextUtils.changelogFor):
// the store's changelog, or the name it would have; a global store's topic; suppress()'s
// buffer always its changelog's name. And the topic queryMetadataForKey() tells the key
// serializer (StreamsMetadataState): the store's source topic with the most partitions.
import { describe, expect, it } from "vitest";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import { BufferConfig, Suppressed } from "../../src/topology/dsl/suppressed.js";
import { queryKeyTopic, storeSerdeTopic, storeSourceTopics } from "../../src/topology/store-serde-topic.js";

const strings = { key: Serdes.string(), value: Serdes.string() };

describe("storeSerdeTopic", () => {
  it("names every store of a topology as Kafka Streams' stores name theirs", () => {
    const builder = new StreamsBuilder();
    builder.globalTable("global-topic", { ...strings, store: "global-store" });
    builder
      .table("input", { ...strings, store: "table-store", logging: false })
      .suppress(Suppressed.untilTimeLimit<string>(10, BufferConfig.unbounded().withLoggingDisabled()).withName("late"))
      .toStream()
      .to("output", strings);
    builder.stream("counted", strings).groupByKey().count({ store: "counts" });
    const topology = builder.build();
    const topics = new Map(
      [...topology.stores.values()].map((store) => [store.name, storeSerdeTopic(topology, "app", store)]),
    );
    expect(topics).toEqual(
      new Map([
        // its source topic: InternalTopologyBuilder.addGlobalStore connects the store to it
        ["global-store", "global-topic"],
        // no changelog: ProcessorStateManager.storeChangelogTopic's name all the same
        ["table-store", "app-table-store-changelog"],
        // changelogFor(context, name, true): the name, logged or not
        ["late-store", "app-late-store-changelog"],
        ["counts", "app-counts-changelog"],
      ]),
    );
  });

  it("names a store restored from its source topic after that topic: reuse.ktable.source.topics, addReadOnlyStateStore", () => {
    const builder = new StreamsBuilder();
    builder.table("input", { ...strings, store: "table-store" });
    const topology = builder
      .build({ topologyOptimization: "reuse.ktable.source.topics" })
      .addReadOnlyStateStore({ name: "read-only", ...strings }, "source", strings, "lookups", "keeper", () => ({
        process: () => undefined,
      }));
    const topics = new Map(
      [...topology.stores.values()].map((store) => [store.name, storeSerdeTopic(topology, "app", store)]),
    );
    expect(topics).toEqual(
      new Map([
        ["table-store", "input"],
        ["read-only", "lookups"],
      ]),
    );
  });
});

describe("queryKeyTopic", () => {
  it("chooses among the sources upstream of the store's processor, in Java's HashSet order, the first with the most partitions", () => {
    const builder = new StreamsBuilder();
    builder
      .stream("orders", strings)
      .merge(builder.stream("payments", strings))
      .merge(builder.stream("refunds", strings))
      .groupByKey()
      .count({ store: "counts" });
    const topology = builder.build();
    const counts = topology.stores.get("counts")!;
    // new HashSet<>() of "orders", "payments", "refunds" iterates [payments, orders, refunds] (jshell).
    expect(storeSourceTopics(topology, "app", counts)).toEqual(["payments", "orders", "refunds"]);
    const partitions = (orders: number, payments: number, refunds: number) =>
      new Map([
        ["orders", orders],
        ["payments", payments],
        ["refunds", refunds],
      ]);
    expect(queryKeyTopic(topology, "app", counts, partitions(2, 2, 4))).toBe("refunds");
    expect(queryKeyTopic(topology, "app", counts, partitions(2, 2, 2))).toBe("payments");
    expect(queryKeyTopic(topology, "app", counts, new Map())).toBeUndefined();
  });

  it("names a repartition topic by its full name", () => {
    const builder = new StreamsBuilder();
    builder
      .stream("events", strings)
      .groupBy((_key, value) => value, strings)
      .count({ store: "by-value" });
    const topology = builder.build();
    const store = topology.stores.get("by-value")!;
    expect(storeSourceTopics(topology, "app", store)).toEqual(["app-by-value-repartition"]);
    expect(queryKeyTopic(topology, "app", store, new Map([["app-by-value-repartition", 3]]))).toBe(
      "app-by-value-repartition",
    );
  });
});
