// Ports of Kafka Streams' CogroupedKStreamImplTest cases where a grouping whose key changed
// upstream is cogrouped and then aggregated on its own: each gets its own repartition topic
// (the cogroup's under its store's name, the aggregation's under its own), named and
// printed as Kafka Streams does. The "...WithOptimization" variants of these cases need
// topology.optimization's merge.repartition.topics, which Eddy does not apply yet.
import { describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";

const stringConsumed = { key: Serdes.string(), value: Serdes.string() };
const STRING_AGGREGATOR = (_key: string, value: string, aggregate: string): string => aggregate + value;
const STRING_INITIALIZER = (): string => "";
const swap = (key: string, value: string) => ({ key: value, value: key });

describe("CogroupedKStream (CogroupedKStreamImplTest): a grouping reused outside the cogroup", () => {
  it("shouldInsertRepartitionsTopicForUpstreamKeyModificationWithGroupedReused", () => {
    const builder = new StreamsBuilder();
    const stream1 = builder.stream("one", stringConsumed);
    const stream2 = builder.stream("two", stringConsumed);
    const groupedOne = stream1.map(swap).groupByKey();
    const groupedTwo = stream2.groupByKey();
    groupedOne.cogroup(STRING_AGGREGATOR).cogroup(groupedTwo, STRING_AGGREGATOR).aggregate(STRING_INITIALIZER);
    groupedOne.aggregate(STRING_INITIALIZER, STRING_AGGREGATOR);
    expect(builder.build().describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [one])\n" +
        "      --> KSTREAM-MAP-0000000002\n" +
        "    Processor: KSTREAM-MAP-0000000002 (stores: [])\n" +
        "      --> COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition-filter, KSTREAM-FILTER-0000000013\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Processor: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition-filter (stores: [])\n" +
        "      --> COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition-sink\n" +
        "      <-- KSTREAM-MAP-0000000002\n" +
        "    Processor: KSTREAM-FILTER-0000000013 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000012\n" +
        "      <-- KSTREAM-MAP-0000000002\n" +
        "    Sink: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition-sink (topic: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition)\n" +
        "      <-- COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition-filter\n" +
        "    Sink: KSTREAM-SINK-0000000012 (topic: KSTREAM-AGGREGATE-STATE-STORE-0000000010-repartition)\n" +
        "      <-- KSTREAM-FILTER-0000000013\n\n" +
        "  Sub-topology: 1\n" +
        "    Source: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition-source (topics: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition])\n" +
        "      --> COGROUPKSTREAM-AGGREGATE-0000000007\n" +
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [two])\n" +
        "      --> COGROUPKSTREAM-AGGREGATE-0000000008\n" +
        "    Processor: COGROUPKSTREAM-AGGREGATE-0000000007 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003])\n" +
        "      --> COGROUPKSTREAM-MERGE-0000000009\n" +
        "      <-- COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition-source\n" +
        "    Processor: COGROUPKSTREAM-AGGREGATE-0000000008 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003])\n" +
        "      --> COGROUPKSTREAM-MERGE-0000000009\n" +
        "      <-- KSTREAM-SOURCE-0000000001\n" +
        "    Processor: COGROUPKSTREAM-MERGE-0000000009 (stores: [])\n" +
        "      --> none\n" +
        "      <-- COGROUPKSTREAM-AGGREGATE-0000000007, COGROUPKSTREAM-AGGREGATE-0000000008\n\n" +
        "  Sub-topology: 2\n" +
        "    Source: KSTREAM-SOURCE-0000000014 (topics: [KSTREAM-AGGREGATE-STATE-STORE-0000000010-repartition])\n" +
        "      --> KSTREAM-AGGREGATE-0000000011\n" +
        "    Processor: KSTREAM-AGGREGATE-0000000011 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000010])\n" +
        "      --> none\n" +
        "      <-- KSTREAM-SOURCE-0000000014\n\n",
    );
  });
});
