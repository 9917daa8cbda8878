// Ports of Kafka Streams' KGroupedStreamImplTest, the argument checks: a missing reducer,
// initializer, aggregator, session merger, windows or Materialized (Eddy's options object
// given as null), and an illegal store name, refused when the call is made, plainly and
// under time, sliding and session windows; a session aggregation without a store name is
// accepted. Java's Materialized.as((String) null) is Eddy's { store: null }.
import { describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import type { KGroupedStream } from "../../../src/topology/dsl/kgrouped-stream.js";
import { SessionWindows } from "../../../src/topology/dsl/session-windows.js";
import { SlidingWindows } from "../../../src/topology/dsl/sliding-windows.js";
import { TimeWindows } from "../../../src/topology/dsl/time-windows.js";
import { absent, cannotBeNull, expectRefused, illegalStoreName, INVALID_STORE_NAME } from "./argument-checks.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
// MockReducer.STRING_ADDER, MockAggregator.TOSTRING_ADDER, MockInitializer.STRING_INIT
const STRING_ADDER = (aggregate: string, value: string): string => `${aggregate}+${value}`;
const TOSTRING_ADDER = (_key: string, value: string, aggregate: string): string => `${aggregate}+${value}`;
const STRING_INIT = (): string => "0";
const nullMerger = (): string => null as never;

function setup(): { builder: StreamsBuilder; groupedStream: KGroupedStream<string, string> } {
  const builder = new StreamsBuilder();
  return { builder, groupedStream: builder.stream("topic", strings).groupByKey(strings) };
}

type Case = [name: string, call: (groupedStream: KGroupedStream<string, string>) => unknown, message: string | RegExp];

function check(cases: Case[]): void {
  it.each(cases)("%s", (_name, call, message) => {
    expectRefused(() => call(setup().groupedStream), message);
  });
}

const timeWindowed = (g: KGroupedStream<string, string>) => g.windowedBy(TimeWindows.ofSizeWithNoGrace(10));
const slidingWindowed = (g: KGroupedStream<string, string>) =>
  g.windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 100));
const sessionWindowed = (g: KGroupedStream<string, string>, gap = 30) =>
  g.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(gap));

describe("KGroupedStreamImplTest: count, reduce, aggregate and cogroup", () => {
  check([
    ["shouldNotHaveNullAggregatorOnCogroup", (g) => g.cogroup(absent), cannotBeNull("aggregator")],
    ["shouldNotHaveNullReducerOnReduce", (g) => g.reduce(absent), cannotBeNull("reducer")],
    [
      "shouldNotHaveInvalidStoreNameOnReduce",
      (g) => g.reduce(STRING_ADDER, { store: INVALID_STORE_NAME }),
      illegalStoreName,
    ],
    [
      "shouldNotHaveNullInitializerOnAggregate",
      (g) => g.aggregate(absent, TOSTRING_ADDER, { store: "store" }),
      cannotBeNull("initializer"),
    ],
    [
      "shouldNotHaveNullAdderOnAggregate",
      (g) => g.aggregate(STRING_INIT, absent, { store: "store" }),
      cannotBeNull("aggregator"),
    ],
    [
      "shouldNotHaveInvalidStoreNameOnAggregate",
      (g) => g.aggregate(STRING_INIT, TOSTRING_ADDER, { store: INVALID_STORE_NAME }),
      illegalStoreName,
    ],
    [
      "shouldThrowNullPointerOnReduceWhenMaterializedIsNull",
      (g) => g.reduce(STRING_ADDER, absent),
      cannotBeNull("materialized"),
    ],
    [
      "shouldThrowNullPointerOnAggregateWhenMaterializedIsNull",
      (g) => g.aggregate(STRING_INIT, TOSTRING_ADDER, absent),
      cannotBeNull("materialized"),
    ],
    ["shouldThrowNullPointerOnCountWhenMaterializedIsNull", (g) => g.count(absent), cannotBeNull("materialized")],
  ]);

  it("a refused call spends no name and adds no node: what follows is named as without it", () => {
    const refused = setup();
    const calls: Array<(g: KGroupedStream<string, string>) => unknown> = [
      (g) => g.reduce(STRING_ADDER, { store: INVALID_STORE_NAME }),
      (g) => g.aggregate(absent, TOSTRING_ADDER),
      (g) => g.count(absent),
      (g) => timeWindowed(g).count({ store: INVALID_STORE_NAME }),
      (g) => sessionWindowed(g).aggregate(STRING_INIT, TOSTRING_ADDER, absent),
    ];
    for (const call of calls) expect(() => call(refused.groupedStream)).toThrow();
    refused.groupedStream.count();
    const plain = setup();
    plain.groupedStream.count();
    expect(refused.builder.build().describe().toString()).toBe(plain.builder.build().describe().toString());
  });
});

describe("KGroupedStreamImplTest: time and sliding windows", () => {
  check([
    [
      "shouldNotHaveNullReducerWithWindowedReduce",
      (g) => timeWindowed(g).reduce(absent, { store: "store" }),
      cannotBeNull("reducer"),
    ],
    ["shouldNotHaveNullWindowsWithWindowedReduce", (g) => g.windowedBy(absent), cannotBeNull("windows")],
    [
      "shouldNotHaveInvalidStoreNameWithWindowedReduce",
      (g) => timeWindowed(g).reduce(STRING_ADDER, { store: INVALID_STORE_NAME }),
      illegalStoreName,
    ],
    [
      "shouldNotHaveNullInitializerOnWindowedAggregate",
      (g) => timeWindowed(g).aggregate(absent, TOSTRING_ADDER, { store: "store" }),
      cannotBeNull("initializer"),
    ],
    [
      "shouldNotHaveNullAdderOnWindowedAggregate",
      (g) => timeWindowed(g).aggregate(STRING_INIT, absent, { store: "store" }),
      cannotBeNull("aggregator"),
    ],
    ["shouldNotHaveNullWindowsOnWindowedAggregate", (g) => g.windowedBy(absent), cannotBeNull("windows")],
    [
      "shouldNotHaveInvalidStoreNameOnWindowedAggregate",
      (g) => timeWindowed(g).aggregate(STRING_INIT, TOSTRING_ADDER, { store: INVALID_STORE_NAME }),
      illegalStoreName,
    ],
    [
      "shouldNotHaveNullReducerWithSlidingWindowedReduce",
      (g) => slidingWindowed(g).reduce(absent, { store: "store" }),
      cannotBeNull("reducer"),
    ],
    ["shouldNotHaveNullWindowsWithSlidingWindowedReduce", (g) => g.windowedBy(absent), cannotBeNull("windows")],
    [
      "shouldNotHaveInvalidStoreNameWithSlidingWindowedReduce",
      (g) => slidingWindowed(g).reduce(STRING_ADDER, { store: INVALID_STORE_NAME }),
      illegalStoreName,
    ],
    [
      "shouldNotHaveNullInitializerOnSlidingWindowedAggregate",
      (g) => slidingWindowed(g).aggregate(absent, TOSTRING_ADDER, { store: "store" }),
      cannotBeNull("initializer"),
    ],
    [
      "shouldNotHaveNullAdderOnSlidingWindowedAggregate",
      (g) => slidingWindowed(g).aggregate(STRING_INIT, absent, { store: "store" }),
      cannotBeNull("aggregator"),
    ],
    [
      "shouldNotHaveInvalidStoreNameOnSlidingWindowedAggregate",
      (g) => slidingWindowed(g).aggregate(STRING_INIT, TOSTRING_ADDER, { store: INVALID_STORE_NAME }),
      illegalStoreName,
    ],
  ]);

  it("windowedBy() refuses what is not TimeWindows, SlidingWindows or SessionWindows", () => {
    expectRefused(() => setup().groupedStream.windowedBy({ size: 10 } as never), /windowedBy\(\) needs TimeWindows/);
  });
});

describe("KGroupedStreamImplTest: session windows", () => {
  check([
    [
      "shouldNotAcceptNullReducerWhenReducingSessionWindows",
      (g) => sessionWindowed(g).reduce(absent, { store: "store" }),
      cannotBeNull("reducer"),
    ],
    ["shouldNotAcceptNullSessionWindowsReducingSessionWindows", (g) => g.windowedBy(absent), cannotBeNull("windows")],
    [
      "shouldNotAcceptInvalidStoreNameWhenReducingSessionWindows",
      (g) => sessionWindowed(g).reduce(STRING_ADDER, { store: INVALID_STORE_NAME }),
      illegalStoreName,
    ],
    [
      "shouldNotAcceptNullStateStoreSupplierWhenReducingSessionWindows",
      (g) => sessionWindowed(g).reduce(absent, { store: absent }),
      cannotBeNull("reducer"),
    ],
    [
      "shouldNotAcceptNullInitializerWhenAggregatingSessionWindows",
      (g) => sessionWindowed(g).aggregate(absent, TOSTRING_ADDER, nullMerger, { store: "storeName" }),
      cannotBeNull("initializer"),
    ],
    [
      "shouldNotAcceptNullAggregatorWhenAggregatingSessionWindows",
      (g) => sessionWindowed(g).aggregate(STRING_INIT, absent, nullMerger, { store: "storeName" }),
      cannotBeNull("aggregator"),
    ],
    [
      "shouldNotAcceptNullSessionMergerWhenAggregatingSessionWindows",
      (g) => sessionWindowed(g).aggregate(STRING_INIT, TOSTRING_ADDER, absent, { store: "storeName" }),
      cannotBeNull("sessionMerger"),
    ],
    [
      "shouldNotAcceptNullSessionWindowsWhenAggregatingSessionWindows",
      (g) => g.windowedBy(absent),
      cannotBeNull("windows"),
    ],
    [
      "shouldNotAcceptInvalidStoreNameWhenAggregatingSessionWindows",
      (g) => sessionWindowed(g, 10).aggregate(STRING_INIT, TOSTRING_ADDER, nullMerger, { store: INVALID_STORE_NAME }),
      illegalStoreName,
    ],
    [
      "a store name given as null (Materialized.as((String) null)) is refused",
      (g) => sessionWindowed(g).reduce(STRING_ADDER, { store: absent }),
      cannotBeNull("materialized"),
    ],
  ]);

  it("shouldAcceptNullStoreNameWhenAggregatingSessionWindows", () => {
    const { builder, groupedStream } = setup();
    const table = sessionWindowed(groupedStream, 10).aggregate(STRING_INIT, TOSTRING_ADDER, nullMerger, {
      value: Serdes.string(),
    });
    expect(table.queryableStoreName).toBeUndefined();
    expect(builder.build().describe().toString()).toContain(
      "Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])",
    );
  });
});
