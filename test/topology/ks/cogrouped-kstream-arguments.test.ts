// Ports of Kafka Streams' CogroupedKStreamImplTest, the argument checks: a missing grouped
// stream, aggregator, initializer, Named, Materialized or windows, refused when the call is
// made. Eddy's one options object stands for Kafka Streams' Named and Materialized: Java's
// null Named is Eddy's { name: null }, its null Materialized the options object given as
// null (or, beside a name, { store: null }).
import { describe, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import type { CogroupedKStream } from "../../../src/topology/dsl/cogrouped-kstream.js";
import type { KGroupedStream } from "../../../src/topology/dsl/kgrouped-stream.js";
import { absent, cannotBeNull, expectRefused } from "./argument-checks.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
// MockAggregator.TOSTRING_ADDER, and the test's STRING_INITIALIZER
const TOSTRING_ADDER = (_key: string, value: string, aggregate: string): string => `${aggregate}+${value}`;
const STRING_INITIALIZER = (): string => "";

interface Setup {
  groupedStream: KGroupedStream<string, string>;
  cogroupedStream: CogroupedKStream<string, string>;
}

function setup(): Setup {
  const builder = new StreamsBuilder();
  const groupedStream = builder.stream("topic", strings).groupByKey(strings);
  return { groupedStream, cogroupedStream: groupedStream.cogroup(TOSTRING_ADDER) };
}

type Case = [name: string, call: (s: Setup) => unknown, message: RegExp];

describe("CogroupedKStreamImplTest: argument checks", () => {
  it.each<Case>([
    [
      "shouldThrowNPEInCogroupIfKGroupedStreamIsNull",
      ({ cogroupedStream }) => cogroupedStream.cogroup(absent, TOSTRING_ADDER),
      cannotBeNull("groupedStream"),
    ],
    [
      "shouldNotHaveNullAggregatorOnCogroup",
      ({ cogroupedStream, groupedStream }) => cogroupedStream.cogroup(groupedStream, absent),
      cannotBeNull("aggregator"),
    ],
    [
      "shouldNotHaveNullInitializerOnAggregate",
      ({ cogroupedStream }) => cogroupedStream.aggregate(absent),
      cannotBeNull("initializer"),
    ],
    [
      "shouldNotHaveNullInitializerOnAggregateWitNamed",
      ({ cogroupedStream }) => cogroupedStream.aggregate(absent, { name: "name" }),
      cannotBeNull("initializer"),
    ],
    [
      "shouldNotHaveNullInitializerOnAggregateWitMaterialized",
      ({ cogroupedStream }) => cogroupedStream.aggregate(absent, { store: "store" }),
      cannotBeNull("initializer"),
    ],
    [
      "shouldNotHaveNullInitializerOnAggregateWitNamedAndMaterialized",
      ({ cogroupedStream }) => cogroupedStream.aggregate(absent, { name: "name", store: "store" }),
      cannotBeNull("initializer"),
    ],
    [
      "shouldNotHaveNullNamedOnAggregate",
      ({ cogroupedStream }) => cogroupedStream.aggregate(STRING_INITIALIZER, { name: absent }),
      cannotBeNull("named"),
    ],
    [
      "shouldNotHaveNullMaterializedOnAggregate",
      ({ cogroupedStream }) => cogroupedStream.aggregate(STRING_INITIALIZER, absent),
      cannotBeNull("materialized"),
    ],
    [
      "shouldNotHaveNullNamedOnAggregateWithMateriazlied",
      ({ cogroupedStream }) => cogroupedStream.aggregate(STRING_INITIALIZER, { name: absent, store: "store" }),
      cannotBeNull("named"),
    ],
    [
      "shouldNotHaveNullMaterializedOnAggregateWithNames",
      ({ cogroupedStream }) => cogroupedStream.aggregate(STRING_INITIALIZER, { name: "name", store: absent }),
      cannotBeNull("materialized"),
    ],
    [
      "shouldNotHaveNullWindowOnWindowedByTime",
      ({ cogroupedStream }) => cogroupedStream.windowedBy(absent),
      cannotBeNull("windows"),
    ],
    [
      "shouldNotHaveNullWindowOnWindowedBySession",
      ({ cogroupedStream }) => cogroupedStream.windowedBy(absent),
      cannotBeNull("windows"),
    ],
    [
      "shouldNotHaveNullWindowOnWindowedBySliding",
      ({ cogroupedStream }) => cogroupedStream.windowedBy(absent),
      cannotBeNull("windows"),
    ],
  ])("%s", (_name, call, message) => {
    expectRefused(() => call(setup()), message);
  });
});
