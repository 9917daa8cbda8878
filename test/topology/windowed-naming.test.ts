// Windowed aggregations are named and described as Kafka Streams names and describes
// them: each expected text is the one Kafka Streams' TopologyTest asserts for the
// equivalent Java topology (timeWindow*CountShouldPreserveTopologyStructure).
import { describe, expect, it } from "vitest";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import { TimeWindows } from "../../src/topology/dsl/time-windows.js";

const strings = { key: Serdes.string(), value: Serdes.string() };

const describeCount = (processor: string, store: string): string =>
  "Topologies:\n" +
  "   Sub-topology: 0\n" +
  "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
  `      --> ${processor}\n` +
  `    Processor: ${processor} (stores: [${store}])\n` +
  "      --> none\n" +
  "      <-- KSTREAM-SOURCE-0000000000\n\n";

describe("windowed aggregations: Kafka Streams' names and describe() text", () => {
  it("timeWindowZeroArgCount: the store is named before the processor", () => {
    const builder = new StreamsBuilder();
    builder.stream("input-topic", strings).groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(1)).count();
    const topology = builder.build();
    expect(topology.describe().toString()).toBe(
      describeCount("KSTREAM-AGGREGATE-0000000002", "KSTREAM-AGGREGATE-STATE-STORE-0000000001"),
    );
    const store = topology.stores.get("KSTREAM-AGGREGATE-STATE-STORE-0000000001");
    expect(store?.type).toBe("window");
    expect(store?.persistent).toBe(true);
    expect(store?.windowed).toEqual({ windowSizeMs: 1, retentionMs: 1, retainDuplicates: false });
  });

  it("timeWindowNamedMaterializedCount: an in-memory store of the user's name", () => {
    const builder = new StreamsBuilder();
    builder
      .stream("input-topic", strings)
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(1))
      .count({ store: "count-store", persistent: false });
    const topology = builder.build();
    expect(topology.describe().toString()).toBe(describeCount("KSTREAM-AGGREGATE-0000000001", "count-store"));
    expect(topology.stores.get("count-store")?.persistent).toBe(false);
  });

  it("timeWindowAnonymousMaterializedCount: a materialization without a name burns one store name", () => {
    const builder = new StreamsBuilder();
    builder
      .stream("input-topic", strings)
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(1))
      .count({ persistent: true });
    expect(builder.build().describe().toString()).toBe(
      describeCount("KSTREAM-AGGREGATE-0000000003", "KSTREAM-AGGREGATE-STATE-STORE-0000000002"),
    );
  });

  it("a windowed reduce and aggregate take Kafka Streams' REDUCE and AGGREGATE names; retention defaults to size + grace", () => {
    const builder = new StreamsBuilder();
    const grouped = builder.stream("input-topic", strings).groupByKey();
    grouped.windowedBy(TimeWindows.ofSizeAndGrace(60_000, 5_000)).reduce((a, b) => a + b);
    grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5)).aggregate(
      () => "",
      (_k, v, a) => a + v,
      { value: Serdes.string(), retention: 1_000 },
    );
    const topology = builder.build();
    expect(topology.stores.get("KSTREAM-REDUCE-STATE-STORE-0000000001")?.windowed?.retentionMs).toBe(65_000);
    expect(topology.stores.get("KSTREAM-AGGREGATE-STATE-STORE-0000000003")?.windowed).toEqual({
      windowSizeMs: 10,
      retentionMs: 1_000,
      retainDuplicates: false,
    });
    expect(topology.describe().toString()).toContain(
      "Processor: KSTREAM-REDUCE-0000000002 (stores: [KSTREAM-REDUCE-STATE-STORE-0000000001])",
    );
    expect(topology.describe().toString()).toContain(
      "Processor: KSTREAM-AGGREGATE-0000000004 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000003])",
    );
  });
});
