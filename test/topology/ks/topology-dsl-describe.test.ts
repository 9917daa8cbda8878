// Ports of Kafka Streams' TopologyTest cases that describe DSL topologies: the
// *CountShouldPreserveTopologyStructure cases (grouped streams, time, sliding and session
// windows, cogroups, tables), the KTable filter and mapValues cases and the dynamic
// routing case, each with Kafka Streams' describe() text and whether the topology keeps a
// persistent store. Materialized.as(StoreType.IN_MEMORY) is { persistent: false };
// Materialized.with(null, Serdes.Long()).withStoreType(ROCKS_DB) is { persistent: true } (a count's values are longs).
// The *WithTopologyConfig cases (a named topology with another default store type) and the
// *WithCustomStoresSuppliers cases (StreamJoined's store suppliers) are in
// topology-config-ports.test.ts.
import { describe, expect, it } from "vitest";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { TimeWindows } from "../../../src/topology/dsl/time-windows.js";
import { SlidingWindows } from "../../../src/topology/dsl/sliding-windows.js";
import { SessionWindows } from "../../../src/topology/dsl/session-windows.js";
import type { Topology } from "../../../src/topology/topology.js";
import type { TopicNameExtractor } from "../../../src/topology/processor.js";

/** TopologyTest's expected describe() text, per test. */
const EXPECTED = {
  topologyWithDynamicRoutingShouldDescribeExtractorClass:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    "      --> KSTREAM-SINK-0000000001\n" +
    "    Sink: KSTREAM-SINK-0000000001 (extractor class: anonymous topic name extractor. topic is [recordContext.topic()]-[key])\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n\n",
  kGroupedStreamZeroArgCountShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    "      --> KSTREAM-AGGREGATE-0000000002\n" +
    "    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])\n" +
    "      --> none\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n\n",
  kGroupedStreamNamedMaterializedCountShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    "      --> KSTREAM-AGGREGATE-0000000001\n" +
    "    Processor: KSTREAM-AGGREGATE-0000000001 (stores: [count-store])\n" +
    "      --> none\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n\n",
  kGroupedStreamAnonymousMaterializedCountShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    "      --> KSTREAM-AGGREGATE-0000000003\n" +
    "    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000002])\n" +
    "      --> none\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n\n",
  kGroupedStreamAnonymousStoreTypedMaterializedCountShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    "      --> KSTREAM-AGGREGATE-0000000003\n" +
    "    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000002])\n" +
    "      --> none\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n\n",
  timeWindowZeroArgCountShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    "      --> KSTREAM-AGGREGATE-0000000002\n" +
    "    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])\n" +
    "      --> none\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n\n",
  timeWindowNamedMaterializedCountShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    "      --> KSTREAM-AGGREGATE-0000000001\n" +
    "    Processor: KSTREAM-AGGREGATE-0000000001 (stores: [count-store])\n" +
    "      --> none\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n\n",
  timeWindowAnonymousMaterializedCountShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    "      --> KSTREAM-AGGREGATE-0000000003\n" +
    "    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000002])\n" +
    "      --> none\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n\n",
  timeWindowAnonymousStoreTypeMaterializedCountShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    "      --> KSTREAM-AGGREGATE-0000000003\n" +
    "    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000002])\n" +
    "      --> none\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n\n",
  slidingWindowZeroArgCountShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    "      --> KSTREAM-AGGREGATE-0000000002\n" +
    "    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])\n" +
    "      --> none\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n\n",
  slidingWindowNamedMaterializedCountShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    "      --> KSTREAM-AGGREGATE-0000000001\n" +
    "    Processor: KSTREAM-AGGREGATE-0000000001 (stores: [count-store])\n" +
    "      --> none\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n\n",
  timeWindowedCogroupedZeroArgCountShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    "      --> COGROUPKSTREAM-AGGREGATE-0000000002\n" +
    "    Processor: COGROUPKSTREAM-AGGREGATE-0000000002 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000001])\n" +
    "      --> COGROUPKSTREAM-MERGE-0000000003\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n" +
    "    Processor: COGROUPKSTREAM-MERGE-0000000003 (stores: [])\n" +
    "      --> none\n" +
    "      <-- COGROUPKSTREAM-AGGREGATE-0000000002\n\n",
  timeWindowedCogroupedNamedMaterializedCountShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    "      --> COGROUPKSTREAM-AGGREGATE-0000000001\n" +
    "    Processor: COGROUPKSTREAM-AGGREGATE-0000000001 (stores: [aggregate-store])\n" +
    "      --> COGROUPKSTREAM-MERGE-0000000002\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n" +
    "    Processor: COGROUPKSTREAM-MERGE-0000000002 (stores: [])\n" +
    "      --> none\n" +
    "      <-- COGROUPKSTREAM-AGGREGATE-0000000001\n\n",
  slidingWindowedCogroupedZeroArgCountShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    "      --> COGROUPKSTREAM-AGGREGATE-0000000002\n" +
    "    Processor: COGROUPKSTREAM-AGGREGATE-0000000002 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000001])\n" +
    "      --> COGROUPKSTREAM-MERGE-0000000003\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n" +
    "    Processor: COGROUPKSTREAM-MERGE-0000000003 (stores: [])\n" +
    "      --> none\n" +
    "      <-- COGROUPKSTREAM-AGGREGATE-0000000002\n\n",
  slidingWindowedCogroupedNamedMaterializedCountShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    "      --> COGROUPKSTREAM-AGGREGATE-0000000001\n" +
    "    Processor: COGROUPKSTREAM-AGGREGATE-0000000001 (stores: [aggregate-store])\n" +
    "      --> COGROUPKSTREAM-MERGE-0000000002\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n" +
    "    Processor: COGROUPKSTREAM-MERGE-0000000002 (stores: [])\n" +
    "      --> none\n" +
    "      <-- COGROUPKSTREAM-AGGREGATE-0000000001\n\n",
  sessionWindowedCogroupedZeroArgCountShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    "      --> COGROUPKSTREAM-AGGREGATE-0000000002\n" +
    "    Processor: COGROUPKSTREAM-AGGREGATE-0000000002 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000001])\n" +
    "      --> COGROUPKSTREAM-MERGE-0000000003\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n" +
    "    Processor: COGROUPKSTREAM-MERGE-0000000003 (stores: [])\n" +
    "      --> none\n" +
    "      <-- COGROUPKSTREAM-AGGREGATE-0000000002\n\n",
  sessionWindowedCogroupedNamedMaterializedCountShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    "      --> COGROUPKSTREAM-AGGREGATE-0000000001\n" +
    "    Processor: COGROUPKSTREAM-AGGREGATE-0000000001 (stores: [aggregate-store])\n" +
    "      --> COGROUPKSTREAM-MERGE-0000000002\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n" +
    "    Processor: COGROUPKSTREAM-MERGE-0000000002 (stores: [])\n" +
    "      --> none\n" +
    "      <-- COGROUPKSTREAM-AGGREGATE-0000000001\n\n",
  sessionWindowZeroArgCountShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    "      --> KSTREAM-AGGREGATE-0000000002\n" +
    "    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])\n" +
    "      --> none\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n\n",
  sessionWindowNamedMaterializedCountShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    "      --> KSTREAM-AGGREGATE-0000000001\n" +
    "    Processor: KSTREAM-AGGREGATE-0000000001 (stores: [count-store])\n" +
    "      --> none\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n\n",
  sessionWindowAnonymousMaterializedCountShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    "      --> KSTREAM-AGGREGATE-0000000003\n" +
    "    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000002])\n" +
    "      --> none\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n\n",
  sessionWindowAnonymousStoreTypedMaterializedCountShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    "      --> KSTREAM-AGGREGATE-0000000003\n" +
    "    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000002])\n" +
    "      --> none\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n\n",
  tableZeroArgCountShouldPreserveTopologyStructure:
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
  tableNamedMaterializedCountShouldPreserveTopologyStructure:
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
  tableAnonymousMaterializedCountShouldPreserveTopologyStructure:
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
  tableAnonymousStoreTypedMaterializedCountShouldPreserveTopologyStructure:
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
  kTableNonMaterializedMapValuesShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n" +
    "      --> KTABLE-SOURCE-0000000002\n" +
    "    Processor: KTABLE-SOURCE-0000000002 (stores: [])\n" +
    "      --> KTABLE-MAPVALUES-0000000003\n" +
    "      <-- KSTREAM-SOURCE-0000000001\n" +
    "    Processor: KTABLE-MAPVALUES-0000000003 (stores: [])\n" +
    "      --> none\n" +
    "      <-- KTABLE-SOURCE-0000000002\n\n",
  kTableAnonymousMaterializedMapValuesShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n" +
    "      --> KTABLE-SOURCE-0000000002\n" +
    "    Processor: KTABLE-SOURCE-0000000002 (stores: [])\n" +
    "      --> KTABLE-MAPVALUES-0000000004\n" +
    "      <-- KSTREAM-SOURCE-0000000001\n" +
    "    Processor: KTABLE-MAPVALUES-0000000004 (stores: [])\n" +
    "      --> none\n" +
    "      <-- KTABLE-SOURCE-0000000002\n" +
    "\n",
  kTableNamedMaterializedMapValuesShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n" +
    "      --> KTABLE-SOURCE-0000000002\n" +
    "    Processor: KTABLE-SOURCE-0000000002 (stores: [])\n" +
    "      --> KTABLE-MAPVALUES-0000000003\n" +
    "      <-- KSTREAM-SOURCE-0000000001\n" +
    "    Processor: KTABLE-MAPVALUES-0000000003 (stores: [store-name])\n" +
    "      --> none\n" +
    "      <-- KTABLE-SOURCE-0000000002\n" +
    "\n",
  kTableNonMaterializedFilterShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n" +
    "      --> KTABLE-SOURCE-0000000002\n" +
    "    Processor: KTABLE-SOURCE-0000000002 (stores: [])\n" +
    "      --> KTABLE-FILTER-0000000003\n" +
    "      <-- KSTREAM-SOURCE-0000000001\n" +
    "    Processor: KTABLE-FILTER-0000000003 (stores: [])\n" +
    "      --> none\n" +
    "      <-- KTABLE-SOURCE-0000000002\n\n",
  kTableAnonymousMaterializedFilterShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n" +
    "      --> KTABLE-SOURCE-0000000002\n" +
    "    Processor: KTABLE-SOURCE-0000000002 (stores: [])\n" +
    "      --> KTABLE-FILTER-0000000004\n" +
    "      <-- KSTREAM-SOURCE-0000000001\n" +
    "    Processor: KTABLE-FILTER-0000000004 (stores: [])\n" +
    "      --> none\n" +
    "      <-- KTABLE-SOURCE-0000000002\n" +
    "\n",
  kTableNamedMaterializedFilterShouldPreserveTopologyStructure:
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n" +
    "      --> KTABLE-SOURCE-0000000002\n" +
    "    Processor: KTABLE-SOURCE-0000000002 (stores: [])\n" +
    "      --> KTABLE-FILTER-0000000003\n" +
    "      <-- KSTREAM-SOURCE-0000000001\n" +
    "    Processor: KTABLE-FILTER-0000000003 (stores: [store-name])\n" +
    "      --> none\n" +
    "      <-- KTABLE-SOURCE-0000000002\n" +
    "\n",
};

type Case = keyof typeof EXPECTED;

/** hasPersistentLocalStore() of the built topology. */
function hasPersistentLocalStore(topology: Topology): boolean {
  return [...topology.stores.values()].some((store) => store.persistent);
}

const input = () => new StreamsBuilder();

const windowOf1 = TimeWindows.ofSizeWithNoGrace(1);
const sessionOf1 = SessionWindows.ofInactivityGapWithNoGrace(1);
const slidingOf1 = SlidingWindows.ofTimeDifferenceWithNoGrace(1);
const keepValue = (_key: unknown, value: unknown): unknown => value;

/** Each case's topology, as the Java test builds it, and hasPersistentLocalStore() of it. */
const CASES: Record<
  Exclude<Case, "topologyWithDynamicRoutingShouldDescribeExtractorClass">,
  [() => Topology, boolean]
> = {
  kGroupedStreamZeroArgCountShouldPreserveTopologyStructure: [
    () => tap(input(), (b) => b.stream("input-topic").groupByKey().count()),
    true,
  ],
  kGroupedStreamNamedMaterializedCountShouldPreserveTopologyStructure: [
    () => tap(input(), (b) => b.stream("input-topic").groupByKey().count({ store: "count-store", persistent: false })),
    false,
  ],
  kGroupedStreamAnonymousMaterializedCountShouldPreserveTopologyStructure: [
    () => tap(input(), (b) => b.stream("input-topic").groupByKey().count({ persistent: true })),
    true,
  ],
  kGroupedStreamAnonymousStoreTypedMaterializedCountShouldPreserveTopologyStructure: [
    () => tap(input(), (b) => b.stream("input-topic").groupByKey().count({ persistent: false })),
    false,
  ],
  timeWindowZeroArgCountShouldPreserveTopologyStructure: [
    () => tap(input(), (b) => b.stream("input-topic").groupByKey().windowedBy(windowOf1).count()),
    true,
  ],
  timeWindowNamedMaterializedCountShouldPreserveTopologyStructure: [
    () =>
      tap(input(), (b) =>
        b.stream("input-topic").groupByKey().windowedBy(windowOf1).count({ store: "count-store", persistent: false }),
      ),
    false,
  ],
  timeWindowAnonymousMaterializedCountShouldPreserveTopologyStructure: [
    () => tap(input(), (b) => b.stream("input-topic").groupByKey().windowedBy(windowOf1).count({ persistent: true })),
    true,
  ],
  timeWindowAnonymousStoreTypeMaterializedCountShouldPreserveTopologyStructure: [
    () => tap(input(), (b) => b.stream("input-topic").groupByKey().windowedBy(windowOf1).count({ persistent: false })),
    false,
  ],
  // Kafka Streams' two slidingWindow* cases window by TimeWindows, as ported here.
  slidingWindowZeroArgCountShouldPreserveTopologyStructure: [
    () => tap(input(), (b) => b.stream("input-topic").groupByKey().windowedBy(windowOf1).count()),
    true,
  ],
  slidingWindowNamedMaterializedCountShouldPreserveTopologyStructure: [
    () =>
      tap(input(), (b) =>
        b.stream("input-topic").groupByKey().windowedBy(windowOf1).count({ store: "count-store", persistent: false }),
      ),
    false,
  ],
  timeWindowedCogroupedZeroArgCountShouldPreserveTopologyStructure: [
    () =>
      tap(input(), (b) =>
        b
          .stream("input-topic")
          .groupByKey()
          .cogroup(keepValue)
          .windowedBy(windowOf1)
          .aggregate(() => ""),
      ),
    true,
  ],
  timeWindowedCogroupedNamedMaterializedCountShouldPreserveTopologyStructure: [
    () =>
      tap(input(), (b) =>
        b
          .stream("input-topic")
          .groupByKey()
          .cogroup(keepValue)
          .windowedBy(windowOf1)
          .aggregate(() => "", { store: "aggregate-store", persistent: false }),
      ),
    false,
  ],
  slidingWindowedCogroupedZeroArgCountShouldPreserveTopologyStructure: [
    () =>
      tap(input(), (b) =>
        b
          .stream("input-topic")
          .groupByKey()
          .cogroup(keepValue)
          .windowedBy(slidingOf1)
          .aggregate(() => ""),
      ),
    true,
  ],
  slidingWindowedCogroupedNamedMaterializedCountShouldPreserveTopologyStructure: [
    () =>
      tap(input(), (b) =>
        b
          .stream("input-topic")
          .groupByKey()
          .cogroup(keepValue)
          .windowedBy(slidingOf1)
          .aggregate(() => "", { store: "aggregate-store", persistent: false }),
      ),
    false,
  ],
  sessionWindowedCogroupedZeroArgCountShouldPreserveTopologyStructure: [
    () =>
      tap(input(), (b) =>
        b
          .stream("input-topic")
          .groupByKey()
          .cogroup(keepValue)
          .windowedBy(sessionOf1)
          .aggregate(
            () => "",
            () => "",
          ),
      ),
    true,
  ],
  sessionWindowedCogroupedNamedMaterializedCountShouldPreserveTopologyStructure: [
    () =>
      tap(input(), (b) =>
        b
          .stream("input-topic")
          .groupByKey()
          .cogroup(keepValue)
          .windowedBy(sessionOf1)
          .aggregate(
            () => "",
            () => "",
            { store: "aggregate-store", persistent: false },
          ),
      ),
    false,
  ],
  sessionWindowZeroArgCountShouldPreserveTopologyStructure: [
    () => tap(input(), (b) => b.stream("input-topic").groupByKey().windowedBy(sessionOf1).count()),
    true,
  ],
  sessionWindowNamedMaterializedCountShouldPreserveTopologyStructure: [
    () =>
      tap(input(), (b) =>
        b.stream("input-topic").groupByKey().windowedBy(sessionOf1).count({ store: "count-store", persistent: false }),
      ),
    false,
  ],
  sessionWindowAnonymousMaterializedCountShouldPreserveTopologyStructure: [
    () => tap(input(), (b) => b.stream("input-topic").groupByKey().windowedBy(sessionOf1).count({ persistent: true })),
    true,
  ],
  sessionWindowAnonymousStoreTypedMaterializedCountShouldPreserveTopologyStructure: [
    () => tap(input(), (b) => b.stream("input-topic").groupByKey().windowedBy(sessionOf1).count({ persistent: false })),
    false,
  ],
  tableZeroArgCountShouldPreserveTopologyStructure: [
    () => tap(input(), (b) => b.table("input-topic").groupBy(nullPair).count()),
    true,
  ],
  tableNamedMaterializedCountShouldPreserveTopologyStructure: [
    () =>
      tap(input(), (b) => b.table("input-topic").groupBy(nullPair).count({ store: "count-store", persistent: false })),
    true,
  ],
  tableAnonymousMaterializedCountShouldPreserveTopologyStructure: [
    () => tap(input(), (b) => b.table("input-topic").groupBy(nullPair).count({ persistent: true })),
    true,
  ],
  tableAnonymousStoreTypedMaterializedCountShouldPreserveTopologyStructure: [
    () => tap(input(), (b) => b.table("input-topic").groupBy(nullPair).count({ persistent: false })),
    true,
  ],
  kTableNonMaterializedMapValuesShouldPreserveTopologyStructure: [
    () => tap(input(), (b) => b.table("input-topic").mapValues(() => null)),
    false,
  ],
  kTableAnonymousMaterializedMapValuesShouldPreserveTopologyStructure: [
    () => tap(input(), (b) => b.table("input-topic").mapValues(() => null, { persistent: false })),
    false,
  ],
  kTableNamedMaterializedMapValuesShouldPreserveTopologyStructure: [
    () => tap(input(), (b) => b.table("input-topic").mapValues(() => null, { store: "store-name" })),
    true,
  ],
  kTableNonMaterializedFilterShouldPreserveTopologyStructure: [
    () => tap(input(), (b) => b.table("input-topic").filter(() => false)),
    false,
  ],
  kTableAnonymousMaterializedFilterShouldPreserveTopologyStructure: [
    // Materialized.with(null, null): a materialization without a name or a serde.
    () => tap(input(), (b) => b.table("input-topic").filter(() => false, { caching: true })),
    false,
  ],
  kTableNamedMaterializedFilterShouldPreserveTopologyStructure: [
    () => tap(input(), (b) => b.table("input-topic").filter(() => false, { store: "store-name" })),
    true,
  ],
};

/** groupBy((key, value) -> null): a selector never called, as no record is piped. */
function nullPair(): never {
  throw new Error("not called");
}

function tap(builder: StreamsBuilder, build: (builder: StreamsBuilder) => unknown): Topology {
  build(builder);
  return builder.build();
}

describe("TopologyTest: DSL topologies described as Kafka Streams describes them", () => {
  it.each(Object.keys(CASES) as (keyof typeof CASES)[])("%s", (name) => {
    const [build, persistent] = CASES[name];
    const topology = build();
    expect(topology.describe().toString()).toBe(EXPECTED[name]);
    expect(hasPersistentLocalStore(topology)).toBe(persistent);
  });

  it("tables: the source's store and the count's, the source's persistent, the count's as asked", () => {
    const stores = (topology: Topology) => [...topology.stores.values()].map((store) => [store.name, store.persistent]);
    expect(stores(CASES.tableZeroArgCountShouldPreserveTopologyStructure[0]())).toEqual([
      ["input-topic-STATE-STORE-0000000000", true],
      ["KTABLE-AGGREGATE-STATE-STORE-0000000004", true],
    ]);
    expect(stores(CASES.tableNamedMaterializedCountShouldPreserveTopologyStructure[0]())).toEqual([
      ["input-topic-STATE-STORE-0000000000", true],
      ["count-store", false],
    ]);
    expect(stores(CASES.tableAnonymousStoreTypedMaterializedCountShouldPreserveTopologyStructure[0]())).toEqual([
      ["input-topic-STATE-STORE-0000000000", true],
      ["KTABLE-AGGREGATE-STATE-STORE-0000000004", false],
    ]);
  });

  it("topologyWithDynamicRoutingShouldDescribeExtractorClass: the extractor prints its own toString()", () => {
    const builder = new StreamsBuilder();
    const extractor = Object.assign(
      ((record, context) => `${context.topic}-${String(record.key)}`) as TopicNameExtractor<unknown, unknown>,
      { toString: () => "anonymous topic name extractor. topic is [recordContext.topic()]-[key]" },
    );
    builder.stream("input-topic").to(extractor);
    expect(builder.build().describe().toString()).toBe(EXPECTED.topologyWithDynamicRoutingShouldDescribeExtractorClass);
  });
});
