import { changelogFormat } from "../../src/stores/changelog-format.js";
import { describe, expect, it } from "vitest";
import {
  CopartitioningError,
  MissingSourceTopicError,
  Serdes,
  SessionWindows,
  StreamsBuilder,
  TimeWindows,
} from "../../src/index.js";
import { TopologyMetadata, userSourceTopicsOf } from "../../src/runtime/topology-metadata.js";
import { urlVisitTopology } from "../integration/support/topologies.js";

const counts = (entries: Record<string, number>) => new Map(Object.entries(entries));

/** visits re-keyed by user, counted per user: two sub-topologies joined by a repartition topic. */
function regroupTopology(partitions?: number) {
  const builder = new StreamsBuilder();
  const stream = builder.stream("clicks", { key: Serdes.string(), value: Serdes.string() });
  const regrouped = partitions === undefined ? stream : stream.repartition({ name: "by-user", partitions });
  regrouped
    .groupBy((_key, value) => value, { key: Serdes.string(), name: "by-user-grouped" })
    .count({ store: "per-user" });
  return builder.build();
}

function joinTopology() {
  const builder = new StreamsBuilder();
  const customers = builder.table("customers", { key: Serdes.string(), value: Serdes.string(), store: "customers" });
  builder
    .stream("orders", { key: Serdes.string(), value: Serdes.string() })
    .join(customers, (order, customer) => `${order}:${customer}`)
    .to("enriched", { key: Serdes.string(), value: Serdes.string() });
  return builder.build();
}

describe("TopologyMetadata", () => {
  it("maps tasks to their input and changelog partitions", () => {
    const metadata = TopologyMetadata.resolve(urlVisitTopology(), "app", counts({ visits: 3 }), "app-dlq");
    expect(metadata.tasks()).toEqual(["0_0", "0_1", "0_2"]);
    expect([...metadata.statefulTasks()]).toEqual(["0_0", "0_1", "0_2"]);
    expect(metadata.partitionsOf("0_2")).toEqual([{ topic: "visits", partition: 2 }]);
    expect(metadata.taskOf({ topic: "visits", partition: 1 })).toBe("0_1");
    expect(metadata.taskOf({ topic: "other", partition: 1 })).toBeUndefined();
    expect(metadata.changelogPartitionsOf("0_1")).toEqual([
      {
        store: "visit-counts",
        topic: "app-visit-counts-changelog",
        partition: 1,
        // count() keeps a timestamped store: its changelog carries plain values stamped with each row's time.
        format: changelogFormat({ type: "keyValue", timestamped: true }),
      },
    ]);
    expect(metadata.internalTopics(3)).toEqual([
      {
        name: "app-visit-counts-changelog",
        kind: "changelog",
        partitions: 3,
        configs: { "cleanup.policy": "compact" },
      },
      { name: "app-dlq", kind: "dead-letter", partitions: 3, configs: { "cleanup.policy": "delete" } },
    ]);
  });

  it("gives a window or session store's changelog Kafka Streams' windowed config: compacted, deleted a day past the retention", () => {
    const builder = new StreamsBuilder();
    const grouped = builder.stream("visits", { key: Serdes.string(), value: Serdes.string() }).groupByKey();
    grouped.windowedBy(TimeWindows.ofSizeAndGrace(3_600_000, 300_000)).count({ store: "hourly" });
    grouped.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(60_000)).count({ store: "sessions" });
    const metadata = TopologyMetadata.resolve(builder.build(), "app", counts({ visits: 2 }), "app-dlq");
    const configs = Object.fromEntries(metadata.internalTopics(2).map((t) => [t.name, t.configs]));
    expect(configs["app-hourly-changelog"]).toEqual({
      "cleanup.policy": "compact,delete",
      "retention.ms": String(3_900_000 + 86_400_000),
    });
    expect(configs["app-sessions-changelog"]).toEqual({
      "cleanup.policy": "compact,delete",
      "retention.ms": String(60_000 + 86_400_000),
    });
  });

  it("sizes a repartition topic like its upstream sources, or as asked", () => {
    const derived = TopologyMetadata.resolve(regroupTopology(), "app", counts({ clicks: 5 }), "app-dlq");
    expect(derived.subtopologies.map((s) => [s.id, s.partitions])).toEqual([
      [0, 5],
      [1, 5],
    ]);
    expect(derived.sourceTopics()).toEqual(["app-by-user-grouped-repartition", "clicks"]);
    expect(derived.taskOf({ topic: "app-by-user-grouped-repartition", partition: 4 })).toBe("1_4");
    expect(derived.statefulTasks().has("0_0")).toBe(false);
    expect(derived.statefulTasks().has("1_0")).toBe(true);

    const explicit = TopologyMetadata.resolve(regroupTopology(2), "app", counts({ clicks: 5 }), "app-dlq");
    expect(explicit.repartitionPartitions("app-by-user-repartition")).toBe(2);
    expect(explicit.repartitionPartitions("app-by-user-grouped-repartition")).toBe(2);
    expect(explicit.subtopologies.map((s) => s.partitions)).toEqual([5, 2, 2]);
  });

  it("names missing source topics", () => {
    expect(() => TopologyMetadata.resolve(joinTopology(), "app", counts({ orders: 3 }), "app-dlq")).toThrow(
      MissingSourceTopicError,
    );
    expect(userSourceTopicsOf(joinTopology())).toEqual(["customers", "orders"]);
  });

  it("rejects joined topics with different partition counts, naming both", () => {
    let error: unknown;
    try {
      TopologyMetadata.resolve(joinTopology(), "app", counts({ orders: 4, customers: 3 }), "app-dlq");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CopartitioningError);
    expect((error as Error).message).toMatch(/orders has 4.*customers has 3|customers has 3.*orders has 4/);
    const ok = TopologyMetadata.resolve(joinTopology(), "app", counts({ orders: 4, customers: 4 }), "app-dlq");
    expect(
      ok
        .partitionsOf("0_3")
        .map((p) => p.topic)
        .sort(),
    ).toEqual(["customers", "orders"]);
  });

  it("restores a source table's store from its topic under reuse.ktable.source.topics: no changelog to create, none for standbys", () => {
    const builder = new StreamsBuilder();
    const customers = builder.table("customers", { key: Serdes.string(), value: Serdes.string(), store: "customers" });
    builder
      .stream("orders", { key: Serdes.string(), value: Serdes.string() })
      .join(customers, (order, customer) => `${order}:${customer}`)
      .groupByKey()
      .count({ store: "per-customer" });
    const topology = builder.build({ topologyOptimization: "reuse.ktable.source.topics" });
    const metadata = TopologyMetadata.resolve(topology, "app", counts({ customers: 2, orders: 2 }), "app-dlq");
    expect(
      metadata.changelogPartitionsOf("0_1").map(({ store, topic, sourceTopic }) => [store, topic, sourceTopic]),
    ).toEqual([
      ["customers", "customers", true],
      ["per-customer", "app-per-customer-changelog", undefined],
    ]);
    expect(metadata.standbyChangelogPartitionsOf("0_1").map((c) => c.topic)).toEqual(["app-per-customer-changelog"]);
    expect(metadata.isLogged("0_1")).toBe(true);
    expect(
      metadata
        .internalTopics(1)
        .filter((spec) => spec.kind === "changelog")
        .map((spec) => spec.name),
    ).toEqual(["app-per-customer-changelog"]);
  });

  it("leaves a task whose only store restores from its source topic without standbys", () => {
    const builder = new StreamsBuilder();
    builder.table("customers", { key: Serdes.string(), value: Serdes.string(), store: "customers" });
    const metadata = TopologyMetadata.resolve(
      builder.build({ topologyOptimization: "all" }),
      "app",
      counts({ customers: 1 }),
      "app-dlq",
    );
    expect(metadata.isLogged("0_0")).toBe(false);
    expect(metadata.statefulTasks()).toEqual(new Set(["0_0"]));
  });
});
