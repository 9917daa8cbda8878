// The DSL names nodes, stores and repartition topics as Kafka Streams does, and
// describe() prints what Kafka Streams prints: each expected text below is the one
// Kafka Streams' own tests (or documentation) assert for the equivalent Java topology.
import { describe, expect, it } from "vitest";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";

const strings = { key: Serdes.string(), value: Serdes.string() };

describe("Kafka Streams naming and describe() text", () => {
  it("stream().groupByKey().count() (KStreamImplTest/TopologyTest kGroupedStreamZeroArgCount)", () => {
    const builder = new StreamsBuilder();
    builder.stream("input-topic", strings).groupByKey().count();
    expect(builder.build().describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
        "      --> KSTREAM-AGGREGATE-0000000002\n" +
        "    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])\n" +
        "      --> none\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n\n",
    );
  });

  it("count() into a named store (kGroupedStreamNamedMaterializedCount)", () => {
    const builder = new StreamsBuilder();
    builder.stream("input-topic", strings).groupByKey().count({ store: "count-store", persistent: false });
    const topology = builder.build();
    expect(topology.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
        "      --> KSTREAM-AGGREGATE-0000000001\n" +
        "    Processor: KSTREAM-AGGREGATE-0000000001 (stores: [count-store])\n" +
        "      --> none\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n\n",
    );
    expect(topology.stores.get("count-store")?.persistent).toBe(false);
  });

  it("table().groupBy().count() (TopologyTest tableZeroArgCount): a table read by a groupBy is materialized", () => {
    const builder = new StreamsBuilder();
    builder
      .table("input-topic", strings)
      .groupBy((key, value) => ({ key: value, value: key }), strings)
      .count();
    expect(builder.build().describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n" +
        "      --> KTABLE-SOURCE-0000000002\n" +
        "    Processor: KTABLE-SOURCE-0000000002 (stores: [input-topic-STATE-STORE-0000000000])\n" +
        "      --> KTABLE-SELECT-0000000003\n" +
        "      <-- KSTREAM-SOURCE-0000000001\n" +
        "    Processor: KTABLE-SELECT-0000000003 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000005\n" +
        "      <-- KTABLE-SOURCE-0000000002\n" +
        "    Sink: KSTREAM-SINK-0000000005 (topic: KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition)\n" +
        "      <-- KTABLE-SELECT-0000000003\n" +
        "\n" +
        "  Sub-topology: 1\n" +
        "    Source: KSTREAM-SOURCE-0000000006 (topics: [KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition])\n" +
        "      --> KTABLE-AGGREGATE-0000000007\n" +
        "    Processor: KTABLE-AGGREGATE-0000000007 (stores: [KTABLE-AGGREGATE-STATE-STORE-0000000004])\n" +
        "      --> none\n" +
        "      <-- KSTREAM-SOURCE-0000000006\n" +
        "\n",
    );
  });

  it("table().groupBy().count() into a named store (tableNamedMaterializedCount)", () => {
    const builder = new StreamsBuilder();
    builder
      .table("input-topic", strings)
      .groupBy((key, value) => ({ key: value, value: key }), strings)
      .count({ store: "count-store" });
    const topology = builder.build();
    expect(topology.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n" +
        "      --> KTABLE-SOURCE-0000000002\n" +
        "    Processor: KTABLE-SOURCE-0000000002 (stores: [input-topic-STATE-STORE-0000000000])\n" +
        "      --> KTABLE-SELECT-0000000003\n" +
        "      <-- KSTREAM-SOURCE-0000000001\n" +
        "    Processor: KTABLE-SELECT-0000000003 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000004\n" +
        "      <-- KTABLE-SOURCE-0000000002\n" +
        "    Sink: KSTREAM-SINK-0000000004 (topic: count-store-repartition)\n" +
        "      <-- KTABLE-SELECT-0000000003\n" +
        "\n" +
        "  Sub-topology: 1\n" +
        "    Source: KSTREAM-SOURCE-0000000005 (topics: [count-store-repartition])\n" +
        "      --> KTABLE-AGGREGATE-0000000006\n" +
        "    Processor: KTABLE-AGGREGATE-0000000006 (stores: [count-store])\n" +
        "      --> none\n" +
        "      <-- KSTREAM-SOURCE-0000000005\n" +
        "\n",
    );
    expect(topology.repartitionTopics.map((topic) => topic.name)).toEqual(["count-store-repartition"]);
  });

  it("word count (the Kafka Streams tutorial's topology)", () => {
    const builder = new StreamsBuilder();
    builder
      .stream("streams-plaintext-input", strings)
      .flatMapValues((line) => line.toLowerCase().split(/\W+/))
      .groupBy((_key, word) => word, strings)
      .count({ store: "counts-store" })
      .toStream()
      .to("streams-wordcount-output", { value: Serdes.long() });
    expect(builder.build().describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [streams-plaintext-input])\n" +
        "      --> KSTREAM-FLATMAPVALUES-0000000001\n" +
        "    Processor: KSTREAM-FLATMAPVALUES-0000000001 (stores: [])\n" +
        "      --> KSTREAM-KEY-SELECT-0000000002\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Processor: KSTREAM-KEY-SELECT-0000000002 (stores: [])\n" +
        "      --> counts-store-repartition-filter\n" +
        "      <-- KSTREAM-FLATMAPVALUES-0000000001\n" +
        "    Processor: counts-store-repartition-filter (stores: [])\n" +
        "      --> counts-store-repartition-sink\n" +
        "      <-- KSTREAM-KEY-SELECT-0000000002\n" +
        "    Sink: counts-store-repartition-sink (topic: counts-store-repartition)\n" +
        "      <-- counts-store-repartition-filter\n" +
        "\n" +
        "  Sub-topology: 1\n" +
        "    Source: counts-store-repartition-source (topics: [counts-store-repartition])\n" +
        "      --> KSTREAM-AGGREGATE-0000000003\n" +
        "    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [counts-store])\n" +
        "      --> KTABLE-TOSTREAM-0000000007\n" +
        "      <-- counts-store-repartition-source\n" +
        "    Processor: KTABLE-TOSTREAM-0000000007 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000008\n" +
        "      <-- KSTREAM-AGGREGATE-0000000003\n" +
        "    Sink: KSTREAM-SINK-0000000008 (topic: streams-wordcount-output)\n" +
        "      <-- KTABLE-TOSTREAM-0000000007\n" +
        "\n",
    );
  });

  it("a re-keyed stream joined with two tables shares one generated repartition topic (KStreamKTableJoinTest.shouldReuseRepartitionTopicWithGeneratedName)", () => {
    const builder = new StreamsBuilder();
    const streamA = builder.stream("topic", strings);
    const tableB = builder.table("topic2", strings);
    const tableC = builder.table("topic3", strings);
    const rekeyed = streamA.map((key, value) => ({ key: value, value: key }));
    // Kafka Streams' test relies on default serdes from its config; Eddy's are explicit.
    rekeyed.join(tableB, (value1, value2) => value1 + value2, strings).to("out-one", strings);
    rekeyed.join(tableC, (value1, value2) => value1 + value2, strings).to("out-two", strings);
    const topology = builder.build();
    expect(topology.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [topic])\n" +
        "      --> KSTREAM-MAP-0000000007\n" +
        "    Processor: KSTREAM-MAP-0000000007 (stores: [])\n" +
        "      --> KSTREAM-FILTER-0000000009\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Processor: KSTREAM-FILTER-0000000009 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000008\n" +
        "      <-- KSTREAM-MAP-0000000007\n" +
        "    Sink: KSTREAM-SINK-0000000008 (topic: KSTREAM-MAP-0000000007-repartition)\n" +
        "      <-- KSTREAM-FILTER-0000000009\n" +
        "\n" +
        "  Sub-topology: 1\n" +
        "    Source: KSTREAM-SOURCE-0000000010 (topics: [KSTREAM-MAP-0000000007-repartition])\n" +
        "      --> KSTREAM-JOIN-0000000011, KSTREAM-JOIN-0000000016\n" +
        "    Processor: KSTREAM-JOIN-0000000011 (stores: [topic2-STATE-STORE-0000000001])\n" +
        "      --> KSTREAM-SINK-0000000012\n" +
        "      <-- KSTREAM-SOURCE-0000000010\n" +
        "    Processor: KSTREAM-JOIN-0000000016 (stores: [topic3-STATE-STORE-0000000004])\n" +
        "      --> KSTREAM-SINK-0000000017\n" +
        "      <-- KSTREAM-SOURCE-0000000010\n" +
        "    Source: KSTREAM-SOURCE-0000000002 (topics: [topic2])\n" +
        "      --> KTABLE-SOURCE-0000000003\n" +
        "    Source: KSTREAM-SOURCE-0000000005 (topics: [topic3])\n" +
        "      --> KTABLE-SOURCE-0000000006\n" +
        "    Sink: KSTREAM-SINK-0000000012 (topic: out-one)\n" +
        "      <-- KSTREAM-JOIN-0000000011\n" +
        "    Sink: KSTREAM-SINK-0000000017 (topic: out-two)\n" +
        "      <-- KSTREAM-JOIN-0000000016\n" +
        "    Processor: KTABLE-SOURCE-0000000003 (stores: [topic2-STATE-STORE-0000000001])\n" +
        "      --> none\n" +
        "      <-- KSTREAM-SOURCE-0000000002\n" +
        "    Processor: KTABLE-SOURCE-0000000006 (stores: [topic3-STATE-STORE-0000000004])\n" +
        "      --> none\n" +
        "      <-- KSTREAM-SOURCE-0000000005\n\n",
    );
    expect(
      topology.copartitionGroups.map((group) => [group.requiredBy, group.topics, group.repartitionTopics]),
    ).toEqual([
      ["KSTREAM-JOIN-0000000011", ["topic2"], ["KSTREAM-MAP-0000000007-repartition"]],
      ["KSTREAM-JOIN-0000000016", ["topic3"], ["KSTREAM-MAP-0000000007-repartition"]],
    ]);
  });

  it("named joins get their own repartition topics, named after them (KStreamKTableJoinTest.shouldCreateRepartitionTopicsWithUserProvidedName)", () => {
    const builder = new StreamsBuilder();
    const streamA = builder.stream("topic", strings);
    const tableB = builder.table("topic2", strings);
    const tableC = builder.table("topic3", strings);
    const rekeyed = streamA.map((key, value) => ({ key: value, value: key }));
    rekeyed
      .join(tableB, (value1, value2) => value1 + value2, { ...strings, name: "first-join" })
      .to("out-one", strings);
    rekeyed
      .join(tableC, (value1, value2) => value1 + value2, { ...strings, name: "second-join" })
      .to("out-two", strings);
    expect(builder.build().describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [topic])\n" +
        "      --> KSTREAM-MAP-0000000007\n" +
        "    Processor: KSTREAM-MAP-0000000007 (stores: [])\n" +
        "      --> first-join-repartition-filter, second-join-repartition-filter\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Processor: first-join-repartition-filter (stores: [])\n" +
        "      --> first-join-repartition-sink\n" +
        "      <-- KSTREAM-MAP-0000000007\n" +
        "    Processor: second-join-repartition-filter (stores: [])\n" +
        "      --> second-join-repartition-sink\n" +
        "      <-- KSTREAM-MAP-0000000007\n" +
        "    Sink: first-join-repartition-sink (topic: first-join-repartition)\n" +
        "      <-- first-join-repartition-filter\n" +
        "    Sink: second-join-repartition-sink (topic: second-join-repartition)\n" +
        "      <-- second-join-repartition-filter\n" +
        "\n" +
        "  Sub-topology: 1\n" +
        "    Source: first-join-repartition-source (topics: [first-join-repartition])\n" +
        "      --> first-join\n" +
        "    Source: KSTREAM-SOURCE-0000000002 (topics: [topic2])\n" +
        "      --> KTABLE-SOURCE-0000000003\n" +
        "    Processor: first-join (stores: [topic2-STATE-STORE-0000000001])\n" +
        "      --> KSTREAM-SINK-0000000012\n" +
        "      <-- first-join-repartition-source\n" +
        "    Sink: KSTREAM-SINK-0000000012 (topic: out-one)\n" +
        "      <-- first-join\n" +
        "    Processor: KTABLE-SOURCE-0000000003 (stores: [topic2-STATE-STORE-0000000001])\n" +
        "      --> none\n" +
        "      <-- KSTREAM-SOURCE-0000000002\n" +
        "\n" +
        "  Sub-topology: 2\n" +
        "    Source: second-join-repartition-source (topics: [second-join-repartition])\n" +
        "      --> second-join\n" +
        "    Source: KSTREAM-SOURCE-0000000005 (topics: [topic3])\n" +
        "      --> KTABLE-SOURCE-0000000006\n" +
        "    Processor: second-join (stores: [topic3-STATE-STORE-0000000004])\n" +
        "      --> KSTREAM-SINK-0000000017\n" +
        "      <-- second-join-repartition-source\n" +
        "    Sink: KSTREAM-SINK-0000000017 (topic: out-two)\n" +
        "      <-- second-join\n" +
        "    Processor: KTABLE-SOURCE-0000000006 (stores: [topic3-STATE-STORE-0000000004])\n" +
        "      --> none\n" +
        "      <-- KSTREAM-SOURCE-0000000005\n\n",
    );
  });

  it("table-table join (KStreamImplTest.shouldSupportTableTableJoinWithKStreamToKTable, with table() sources)", () => {
    // Kafka Streams' test reads the tables with stream().toTable(); table() gives the same
    // graph with KTABLE-SOURCE nodes and `<topic>-STATE-STORE-` stores at the same indexes.
    const builder = new StreamsBuilder();
    const table1 = builder.table("left", strings);
    const table2 = builder.table("right", strings);
    table1
      .join(table2, (a, b) => `${a}+${b}`)
      .toStream()
      .to("output", { value: Serdes.string() });
    expect(builder.build().describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [left])\n" +
        "      --> KTABLE-SOURCE-0000000002\n" +
        "    Source: KSTREAM-SOURCE-0000000004 (topics: [right])\n" +
        "      --> KTABLE-SOURCE-0000000005\n" +
        "    Processor: KTABLE-SOURCE-0000000002 (stores: [left-STATE-STORE-0000000000])\n" +
        "      --> KTABLE-JOINTHIS-0000000007\n" +
        "      <-- KSTREAM-SOURCE-0000000001\n" +
        "    Processor: KTABLE-SOURCE-0000000005 (stores: [right-STATE-STORE-0000000003])\n" +
        "      --> KTABLE-JOINOTHER-0000000008\n" +
        "      <-- KSTREAM-SOURCE-0000000004\n" +
        "    Processor: KTABLE-JOINOTHER-0000000008 (stores: [left-STATE-STORE-0000000000])\n" +
        "      --> KTABLE-MERGE-0000000006\n" +
        "      <-- KTABLE-SOURCE-0000000005\n" +
        "    Processor: KTABLE-JOINTHIS-0000000007 (stores: [right-STATE-STORE-0000000003])\n" +
        "      --> KTABLE-MERGE-0000000006\n" +
        "      <-- KTABLE-SOURCE-0000000002\n" +
        "    Processor: KTABLE-MERGE-0000000006 (stores: [])\n" +
        "      --> KTABLE-TOSTREAM-0000000009\n" +
        "      <-- KTABLE-JOINTHIS-0000000007, KTABLE-JOINOTHER-0000000008\n" +
        "    Processor: KTABLE-TOSTREAM-0000000009 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000010\n" +
        "      <-- KTABLE-MERGE-0000000006\n" +
        "    Sink: KSTREAM-SINK-0000000010 (topic: output)\n" +
        "      <-- KTABLE-TOSTREAM-0000000009\n\n",
    );
  });

  it("a table nobody reads keeps no store; split() names branches after the split", () => {
    const builder = new StreamsBuilder();
    builder.table("t", strings).toStream().to("t-out");
    const branches = builder
      .stream("s", strings)
      .split()
      .branch((key) => key.startsWith("a"))
      .branch((key) => key.startsWith("b"), { name: "-b" })
      .defaultBranch();
    const topology = builder.build();
    expect(topology.node("KTABLE-SOURCE-0000000002")).toMatchObject({ stores: [] });
    expect(topology.stores.size).toBe(0);
    expect([...branches.keys()]).toEqual([
      "KSTREAM-BRANCH-00000000061",
      "KSTREAM-BRANCH-0000000006-b",
      "KSTREAM-BRANCH-00000000060",
    ]);
    expect(topology.node("KSTREAM-BRANCH-0000000006").successors).toEqual([...branches.keys()]);
  });
});

// An unnamed materialization (serdes, store type or logging given, no store name) spends
// the name index Kafka Streams spends for it: TopologyTest's *AnonymousMaterialized* cases.
describe("unnamed materializations spend Kafka Streams' name indexes", () => {
  const sourceAndProcessor = (processor: string, store: string): string =>
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    `      --> ${processor}\n` +
    `    Processor: ${processor} (stores: [${store}])\n` +
    "      --> none\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n\n";

  it("grouped stream count(Materialized) burns one more index (kGroupedStreamAnonymous(StoreTyped)MaterializedCount)", () => {
    for (const persistent of [true, false]) {
      const builder = new StreamsBuilder();
      builder.stream("input-topic", strings).groupByKey().count({ persistent });
      const topology = builder.build();
      expect(topology.describe().toString()).toBe(
        sourceAndProcessor("KSTREAM-AGGREGATE-0000000003", "KSTREAM-AGGREGATE-STATE-STORE-0000000002"),
      );
      expect(topology.stores.get("KSTREAM-AGGREGATE-STATE-STORE-0000000002")?.persistent).toBe(persistent);
    }
  });

  it("grouped stream count(Named) does not (Kafka Streams' count(Named))", () => {
    const builder = new StreamsBuilder();
    builder.stream("input-topic", strings).groupByKey().count({ name: "c" });
    expect(builder.build().describe().toString()).toBe(
      sourceAndProcessor("c", "KSTREAM-AGGREGATE-STATE-STORE-0000000001"),
    );
    const named = new StreamsBuilder();
    named.stream("input-topic", strings).groupByKey().count({ name: "c", logging: true });
    expect(named.build().describe().toString()).toBe(
      sourceAndProcessor("c", "KSTREAM-AGGREGATE-STATE-STORE-0000000002"),
    );
  });

  it("grouped table count(Materialized) spends no extra index (tableAnonymous(StoreTyped)MaterializedCount)", () => {
    const builder = new StreamsBuilder();
    builder
      .table("input-topic", strings)
      .groupBy((key, value) => ({ key: value, value: key }), strings)
      .count({ persistent: false });
    const topology = builder.build();
    expect(topology.describe().toString()).toContain(
      "    Processor: KTABLE-AGGREGATE-0000000007 (stores: [KTABLE-AGGREGATE-STATE-STORE-0000000004])\n",
    );
    expect(topology.stores.get("input-topic-STATE-STORE-0000000000")?.persistent).toBe(true);
    expect(topology.stores.get("KTABLE-AGGREGATE-STATE-STORE-0000000004")?.persistent).toBe(false);
  });

  const tableThen = (processor: string, stores: string): string =>
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n" +
    "      --> KTABLE-SOURCE-0000000002\n" +
    "    Processor: KTABLE-SOURCE-0000000002 (stores: [])\n" +
    `      --> ${processor}\n` +
    "      <-- KSTREAM-SOURCE-0000000001\n" +
    `    Processor: ${processor} (stores: [${stores}])\n` +
    "      --> none\n" +
    "      <-- KTABLE-SOURCE-0000000002\n\n";

  it("table mapValues: none, anonymous, named materialization (kTable*MaterializedMapValues)", () => {
    const none = new StreamsBuilder();
    none.table("input-topic", strings).mapValues((value) => value);
    expect(none.build().describe().toString()).toBe(tableThen("KTABLE-MAPVALUES-0000000003", ""));
    const anonymous = new StreamsBuilder();
    anonymous.table("input-topic", strings).mapValues((value) => value, { persistent: false });
    const anonymousTopology = anonymous.build();
    expect(anonymousTopology.describe().toString()).toBe(tableThen("KTABLE-MAPVALUES-0000000004", ""));
    expect(anonymousTopology.stores.size).toBe(0);
    const named = new StreamsBuilder();
    named.table("input-topic", strings).mapValues((value) => value, { store: "store-name", value: Serdes.string() });
    expect(named.build().describe().toString()).toBe(tableThen("KTABLE-MAPVALUES-0000000003", "store-name"));
  });

  it("table filter: none, anonymous, named materialization (kTable*MaterializedFilter)", () => {
    const none = new StreamsBuilder();
    none.table("input-topic", strings).filter(() => false);
    expect(none.build().describe().toString()).toBe(tableThen("KTABLE-FILTER-0000000003", ""));
    const anonymous = new StreamsBuilder();
    anonymous.table("input-topic", strings).filter(() => false, { value: Serdes.string() });
    expect(anonymous.build().describe().toString()).toBe(tableThen("KTABLE-FILTER-0000000004", ""));
    const named = new StreamsBuilder();
    named.table("input-topic", strings).filterNot(() => false, { store: "store-name" });
    expect(named.build().describe().toString()).toBe(tableThen("KTABLE-FILTER-0000000003", "store-name"));
    const byName = new StreamsBuilder();
    byName.table("input-topic", strings).filter(() => false, { name: "only-named" });
    expect(byName.build().describe().toString()).toBe(tableThen("only-named", ""));
  });

  it("a table-table join given a Materialized without a name is materialized under a generated name", () => {
    const joined = (named: boolean): string => {
      const builder = new StreamsBuilder();
      const left = builder.table("left", strings);
      const right = builder.table("right", strings);
      const table = named
        ? left.leftJoin(right, (a, b) => `${a}+${b ?? ""}`, { name: "j", value: Serdes.string() })
        : left.join(right, (a, b) => `${a}+${b}`, { value: Serdes.string() });
      expect(table.queryableStoreName).toBe("KTABLE-MERGE-STATE-STORE-0000000006");
      table.toStream().to("out");
      return builder.build().describe().toString();
    };
    const [merge, thisSide, otherSide] = [
      "KTABLE-MERGE-0000000007",
      "KTABLE-JOINTHIS-0000000008",
      "KTABLE-JOINOTHER-0000000009",
    ];
    const text = (m: string, t: string, o: string): string =>
      "Topologies:\n" +
      "   Sub-topology: 0\n" +
      "    Source: KSTREAM-SOURCE-0000000001 (topics: [left])\n" +
      "      --> KTABLE-SOURCE-0000000002\n" +
      "    Source: KSTREAM-SOURCE-0000000004 (topics: [right])\n" +
      "      --> KTABLE-SOURCE-0000000005\n" +
      "    Processor: KTABLE-SOURCE-0000000002 (stores: [left-STATE-STORE-0000000000])\n" +
      `      --> ${t}\n` +
      "      <-- KSTREAM-SOURCE-0000000001\n" +
      "    Processor: KTABLE-SOURCE-0000000005 (stores: [right-STATE-STORE-0000000003])\n" +
      `      --> ${o}\n` +
      "      <-- KSTREAM-SOURCE-0000000004\n" +
      `    Processor: ${o} (stores: [left-STATE-STORE-0000000000])\n` +
      `      --> ${m}\n` +
      "      <-- KTABLE-SOURCE-0000000005\n" +
      `    Processor: ${t} (stores: [right-STATE-STORE-0000000003])\n` +
      `      --> ${m}\n` +
      "      <-- KTABLE-SOURCE-0000000002\n" +
      `    Processor: ${m} (stores: [KTABLE-MERGE-STATE-STORE-0000000006])\n` +
      "      --> KTABLE-TOSTREAM-0000000010\n" +
      `      <-- ${t}, ${o}\n` +
      "    Processor: KTABLE-TOSTREAM-0000000010 (stores: [])\n" +
      "      --> KSTREAM-SINK-0000000011\n" +
      `      <-- ${m}\n` +
      "    Sink: KSTREAM-SINK-0000000011 (topic: out)\n" +
      "      <-- KTABLE-TOSTREAM-0000000010\n\n";
    expect(joined(false)).toBe(text(merge, thisSide, otherSide));
    expect(joined(true)).toBe(text("j", "j-join-this", "j-join-other"));
  });
});
