// Kafka Streams' KStreamImplTest, the argument checks (shouldNotAllowNull...): where
// KStreamImpl throws NullPointerException("<what> can't be null"), Eddy refuses the same
// missing argument from a JavaScript caller when the call is made, with the same words.
// One case here stands for the Java overloads that differ only in a Named, Produced or
// StreamJoined argument Eddy takes in its options object. An explicit null options object
// is refused under the name of what Kafka Streams would have been given (named, produced,
// grouped, joined, streamJoined, repartitioned, printed, materialized); an omitted one is
// not, as Kafka Streams' overloads without it.
//
// Left out: the transform(), flatTransform(), transformValues() and flatTransformValues()
// cases (removed in Kafka Streams 4; Eddy never had them) and the "bad supplier" cases
// (a Java supplier returning the same instance twice; Eddy's processor suppliers are checked
// by the processor tests). The ValueMapper/ValueMapperWithKey and ValueJoiner/
// ValueJoinerWithKey pairs are one function type each in Eddy, so each pair is one case.
// toTable() takes one options object for Kafka Streams' Named and Materialized: a null one
// is refused as a Materialized.
import { describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { JoinWindows } from "../../../src/topology/dsl/join-windows.js";
import type { KStream } from "../../../src/topology/dsl/kstream.js";
import type { KTable } from "../../../src/topology/dsl/ktable.js";
import type { GlobalKTable } from "../../../src/topology/dsl/global-ktable.js";
import { toStringJoiner } from "./support.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
const absent = null as never;
const windows = JoinWindows.ofTimeDifferenceWithNoGrace(10);
const selectValue = (_key: string, value: string): string => value;

function setup(): {
  stream: KStream<string, string>;
  table: KTable<string, string>;
  global: GlobalKTable<string, string>;
} {
  const builder = new StreamsBuilder();
  return {
    stream: builder.stream("source", strings),
    table: builder.table("topic", strings),
    global: builder.globalTable("global", strings),
  };
}

/** Calls `operation` on the stream whatever its overloads' types: the arguments are JavaScript's. */
function call(stream: KStream<string, string>, operation: string, ...args: unknown[]): unknown {
  return (stream as unknown as Record<string, (...args: unknown[]) => unknown>)[operation]!(...args);
}

type Case = [name: string, call: (s: ReturnType<typeof setup>) => unknown, message: string];

function check(cases: Case[]): void {
  it.each(cases)("%s", (_name, call, message) => {
    const s = setup();
    expect(() => call(s)).toThrow(message);
  });
}

describe("KStreamImplTest: stateless operations", () => {
  check([
    ["shouldNotAllowNullPredicateOnFilter", ({ stream }) => stream.filter(absent), "predicate can't be null"],
    [
      "shouldNotAllowNullPredicateOnFilterWithNamed",
      ({ stream }) => stream.filter(absent, { name: "filter" }),
      "predicate can't be null",
    ],
    ["shouldNotAllowNullNamedOnFilter", ({ stream }) => stream.filter(() => true, absent), "named can't be null"],
    ["shouldNotAllowNullPredicateOnFilterNot", ({ stream }) => stream.filterNot(absent), "predicate can't be null"],
    [
      "shouldNotAllowNullPredicateOnFilterNotWithName",
      ({ stream }) => stream.filterNot(absent, { name: "filter" }),
      "predicate can't be null",
    ],
    ["shouldNotAllowNullNamedOnFilterNot", ({ stream }) => stream.filterNot(() => true, absent), "named can't be null"],
    ["shouldNotAllowNullMapperOnSelectKey", ({ stream }) => stream.selectKey(absent), "mapper can't be null"],
    [
      "shouldNotAllowNullMapperOnSelectKeyWithNamed",
      ({ stream }) => stream.selectKey(absent, { name: "keySelector" }),
      "mapper can't be null",
    ],
    ["shouldNotAllowNullNamedOnSelectKey", ({ stream }) => stream.selectKey((k) => k, absent), "named can't be null"],
    ["shouldNotAllowNullMapperOnMap", ({ stream }) => stream.map(absent), "mapper can't be null"],
    [
      "shouldNotAllowNullMapperOnMapWithNamed",
      ({ stream }) => stream.map(absent, { name: "map" }),
      "mapper can't be null",
    ],
    [
      "shouldNotAllowNullNamedOnMap",
      ({ stream }) => stream.map((key, value) => ({ key, value }), absent),
      "named can't be null",
    ],
    [
      "shouldNotAllowNullMapperOnMapValues / WithKey",
      ({ stream }) => stream.mapValues(absent),
      "valueMapper can't be null",
    ],
    [
      "shouldNotAllowNullMapperOnMapValuesWithNamed / WithKeyWithNamed",
      ({ stream }) => stream.mapValues(absent, { name: "valueMapper" }),
      "valueMapper can't be null",
    ],
    [
      "shouldNotAllowNullNamedOnMapValues / WithKey",
      ({ stream }) => stream.mapValues((v) => v, absent),
      "named can't be null",
    ],
    ["shouldNotAllowNullMapperOnFlatMap", ({ stream }) => stream.flatMap(absent), "mapper can't be null"],
    [
      "shouldNotAllowNullMapperOnFlatMapWithNamed",
      ({ stream }) => stream.flatMap(absent, { name: "flatMapper" }),
      "mapper can't be null",
    ],
    [
      "shouldNotAllowNullNamedOnFlatMap",
      ({ stream }) => stream.flatMap((key, value) => [{ key, value }], absent),
      "named can't be null",
    ],
    [
      "shouldNotAllowNullMapperOnFlatMapValues / WithKey",
      ({ stream }) => stream.flatMapValues(absent),
      "valueMapper can't be null",
    ],
    [
      "shouldNotAllowNullMapperOnFlatMapValuesWithNamed / WithKeyWithNamed",
      ({ stream }) => stream.flatMapValues(absent, { name: "flatValueMapper" }),
      "valueMapper can't be null",
    ],
    [
      "shouldNotAllowNullNameOnFlatMapValues / WithKey",
      ({ stream }) => stream.flatMapValues(() => [], absent),
      "named can't be null",
    ],
    ["shouldNotAllowNullPrintedOnPrint", ({ stream }) => stream.print(absent), "printed can't be null"],
    ["shouldNotAllowNullActionOnForEach", ({ stream }) => stream.foreach(absent), "action can't be null"],
    [
      "shouldNotAllowNullActionOnForEachWithName",
      ({ stream }) => stream.foreach(absent, { name: "foreach" }),
      "action can't be null",
    ],
    ["shouldNotAllowNullNamedOnForEach", ({ stream }) => stream.foreach(() => {}, absent), "named can't be null"],
    ["shouldNotAllowNullActionOnPeek", ({ stream }) => stream.peek(absent), "action can't be null"],
    [
      "shouldNotAllowNullActionOnPeekWithName",
      ({ stream }) => stream.peek(absent, { name: "peek" }),
      "action can't be null",
    ],
    ["shouldNotAllowNullNamedOnPeek", ({ stream }) => stream.peek(() => {}, absent), "named can't be null"],
    ["shouldNotAllowNullKStreamOnMerge", ({ stream }) => stream.merge(absent), "stream can't be null"],
    [
      "shouldNotAllowNullKStreamOnMergeWithNamed",
      ({ stream }) => stream.merge(absent, { name: "merge" }),
      "stream can't be null",
    ],
    ["shouldNotAllowNullNamedOnMerge", ({ stream }) => stream.merge(stream, absent), "named can't be null"],
  ]);
});

describe("KStreamImplTest: to(), repartition(), grouping, toTable()", () => {
  check([
    ["shouldNotAllowNullTopicOnTo / TopicChooserOnTo", ({ stream }) => stream.to(absent), "topic can't be null"],
    [
      "shouldNotAllowNullTopicOnToWithProduced / TopicChooser",
      ({ stream }) => stream.to(absent, { name: "to" }),
      "topic can't be null",
    ],
    [
      "shouldNotAllowNullProducedOnToWithTopicName",
      ({ stream }) => stream.to("topic", absent),
      "produced can't be null",
    ],
    [
      "shouldNotAllowNullProducedOnToWithTopicChooser",
      ({ stream }) => stream.to(() => "topic", absent),
      "produced can't be null",
    ],
    [
      "shouldNotAllowNullRepartitionedOnRepartition",
      ({ stream }) => stream.repartition(absent),
      "repartitioned can't be null",
    ],
    ["shouldNotAllowNullSelectorOnGroupBy", ({ stream }) => stream.groupBy(absent), "keySelector can't be null"],
    [
      "shouldNotAllowNullSelectorOnGroupByWithGrouped",
      ({ stream }) => stream.groupBy(absent, { name: "name" }),
      "keySelector can't be null",
    ],
    ["shouldNotAllowNullGroupedOnGroupBy", ({ stream }) => stream.groupBy((k) => k, absent), "grouped can't be null"],
    ["shouldNotAllowNullGroupedOnGroupByKey", ({ stream }) => stream.groupByKey(absent), "grouped can't be null"],
    [
      "shouldNotAllowNullMaterializedOnToTable / NamedOnToTable",
      ({ stream }) => stream.toTable(absent),
      "materialized can't be null",
    ],
  ]);
});

describe("KStreamImplTest: stream-stream joins", () => {
  for (const kind of ["join", "leftJoin", "outerJoin"] as const) {
    const Kind = kind[0]!.toUpperCase() + kind.slice(1);
    check([
      [
        `shouldNotAllowNullOtherStreamOn${Kind}`,
        ({ stream }) => call(stream, kind, absent, toStringJoiner, windows),
        "otherStream can't be null",
      ],
      [
        `shouldNotAllowNullOtherStreamOn${Kind}WithStreamJoined`,
        ({ stream }) => call(stream, kind, absent, toStringJoiner, windows, { name: "name" }),
        "otherStream can't be null",
      ],
      [
        `shouldNotAllowNullValueJoinerOn${Kind} / WithKey`,
        ({ stream }) => call(stream, kind, stream, absent, windows),
        "joiner can't be null",
      ],
      [
        `shouldNotAllowNullValueJoinerOn${Kind}WithStreamJoined / WithKey`,
        ({ stream }) => call(stream, kind, stream, absent, windows, { name: "name" }),
        "joiner can't be null",
      ],
      [
        `shouldNotAllowNullJoinWindowsOn${Kind}`,
        ({ stream }) => call(stream, kind, stream, toStringJoiner, absent),
        "windows can't be null",
      ],
      [
        `shouldNotAllowNullJoinWindowsOn${Kind}WithStreamJoined`,
        ({ stream }) => call(stream, kind, stream, toStringJoiner, absent, { name: "name" }),
        "windows can't be null",
      ],
      [
        `shouldNotAllowNullStreamJoinedOn${Kind}`,
        ({ stream }) => call(stream, kind, stream, toStringJoiner, windows, absent),
        "streamJoined can't be null",
      ],
    ]);
  }
});

describe("KStreamImplTest: stream-table and stream-global-table joins", () => {
  for (const kind of ["join", "leftJoin"] as const) {
    const Kind = kind === "join" ? "TableJoin" : "TableLeftJoin";
    check([
      [
        `shouldNotAllowNullTableOn${Kind}`,
        ({ stream }) => call(stream, kind, absent, toStringJoiner),
        "table can't be null",
      ],
      [
        `shouldNotAllowNullTableOn${Kind}WithJoined`,
        ({ stream }) => call(stream, kind, absent, toStringJoiner, { name: "name" }),
        "table can't be null",
      ],
      [
        `shouldNotAllowNullValueJoinerOn${Kind} / WithKey`,
        ({ stream, table }) => call(stream, kind, table, absent),
        "joiner can't be null",
      ],
      [
        `shouldNotAllowNullValueJoinerOn${Kind}WithJoined / WithKey`,
        ({ stream, table }) => call(stream, kind, table, absent, { name: "name" }),
        "joiner can't be null",
      ],
      [
        `shouldNotAllowNullJoinedOn${Kind}`,
        ({ stream, table }) => call(stream, kind, table, toStringJoiner, absent),
        "joined can't be null",
      ],
    ]);
    const On = kind === "join" ? "JoinWithGlobalTable" : "LeftJoinWithGlobalTable";
    check([
      [
        `shouldNotAllowNullTableOn${On}`,
        ({ stream }) => call(stream, kind, absent, selectValue, toStringJoiner),
        "globalTable can't be null",
      ],
      [
        `shouldNotAllowNullTableOn${On}WithNamed`,
        ({ stream }) => call(stream, kind, absent, selectValue, toStringJoiner, { name: "name" }),
        "globalTable can't be null",
      ],
      [
        `shouldNotAllowNullMapperOn${On}`,
        ({ stream, global }) => call(stream, kind, global, absent, toStringJoiner),
        "keySelector can't be null",
      ],
      [
        `shouldNotAllowNullMapperOn${On}WithNamed`,
        ({ stream, global }) => call(stream, kind, global, absent, toStringJoiner, { name: "name" }),
        "keySelector can't be null",
      ],
      [
        `shouldNotAllowNullValueJoinerOn${On} / WithKey`,
        ({ stream, global }) => call(stream, kind, global, selectValue, absent),
        "joiner can't be null",
      ],
      [
        `shouldNotAllowNullValueJoinerOn${On}WithNamed / WithKey`,
        ({ stream, global }) => call(stream, kind, global, selectValue, absent, { name: "name" }),
        "joiner can't be null",
      ],
    ]);
  }
});

describe("KStreamImplTest: process() and processValues()", () => {
  const processor = () => ({ process: () => {} });
  for (const kind of ["process", "processValues"] as const) {
    const On = kind === "process" ? "OnProcess" : "OnProcessValues";
    check([
      [
        `shouldNotAllowNullProcessSupplier${On}`,
        ({ stream }) => call(stream, kind, absent),
        "processorSupplier can't be null",
      ],
      [
        `shouldNotAllowNullProcessSupplier${On}WithStores`,
        ({ stream }) => call(stream, kind, absent, { stores: ["storeName"] }),
        "processorSupplier can't be null",
      ],
      [
        `shouldNotAllowNullProcessSupplier${On}WithNamed`,
        ({ stream }) => call(stream, kind, absent, { name: "processor" }),
        "processorSupplier can't be null",
      ],
      [
        `shouldNotAllowNullProcessSupplier${On}WithNamedAndStores`,
        ({ stream }) => call(stream, kind, absent, { name: "processor", stores: ["stateStore"] }),
        "processorSupplier can't be null",
      ],
      [
        `shouldNotAllowNullStoreNames${On}`,
        ({ stream }) => call(stream, kind, processor, { stores: absent }),
        "stateStoreNames can't be a null array",
      ],
      [
        `shouldNotAllowNullStoreName${On}`,
        ({ stream }) => call(stream, kind, processor, { stores: [absent] }),
        "stateStoreNames can't be null",
      ],
      [
        `shouldNotAllowNullStoreNames${On}WithNamed`,
        ({ stream }) => call(stream, kind, processor, { name: "processor", stores: absent }),
        "stateStoreNames can't be a null array",
      ],
      [
        `shouldNotAllowNullStoreName${On}WithNamed`,
        ({ stream }) => call(stream, kind, processor, { name: "processor", stores: [absent] }),
        "stateStoreNames can't be null",
      ],
      [
        `shouldNotAllowNullNamed${On} / WithStores`,
        ({ stream }) => call(stream, kind, processor, absent),
        "named can't be null",
      ],
    ]);
  }
});
