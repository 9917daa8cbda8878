// Ports of the argument checks of Kafka Streams' TimeWindowedKStreamImplTest,
// SlidingWindowedKStreamImplTest and SessionWindowedKStreamImplTest that the other ports
// leave out: a Materialized or Named given as null (Eddy's options object as null, or its
// name as null) and a session aggregation without a merger, refused when the call is made;
// and SessionWindowedKStreamImplTest.shouldNotEnableCachingWithEmitFinal, read from the
// store's definition (Kafka Streams' test reads the store's wrapper classes).
import { describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { EmitStrategy } from "../../../src/topology/dsl/emit-strategy.js";
import type { KGroupedStream } from "../../../src/topology/dsl/kgrouped-stream.js";
import type { SessionWindowedKStream } from "../../../src/topology/dsl/session-windowed-kstream.js";
import type { TimeWindowedKStream } from "../../../src/topology/dsl/time-windowed-kstream.js";
import { SessionWindows } from "../../../src/topology/dsl/session-windows.js";
import { SlidingWindows } from "../../../src/topology/dsl/sliding-windows.js";
import { TimeWindows } from "../../../src/topology/dsl/time-windows.js";
import { absent, cannotBeNull, expectRefused } from "./argument-checks.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
// MockReducer.STRING_ADDER, MockAggregator.TOSTRING_ADDER, MockInitializer.STRING_INIT
const STRING_ADDER = (aggregate: string, value: string): string => `${aggregate}+${value}`;
const TOSTRING_ADDER = (_key: string, value: string, aggregate: string): string => `${aggregate}+${value}`;
const STRING_INIT = (): string => "0";
const sessionMerger = (_key: string, one: string, two: string): string => `${one}+${two}`;

function grouped(): { builder: StreamsBuilder; groupedStream: KGroupedStream<string, string> } {
  const builder = new StreamsBuilder();
  return { builder, groupedStream: builder.stream("topic", strings).groupByKey(strings) };
}

type Case<W> = [name: string, call: (windowedStream: W) => unknown, message: RegExp];

/** The four cases the time and the sliding windowed streams share. */
function materializationCases(): Case<TimeWindowedKStream<string, string>>[] {
  return [
    ["shouldThrowNullPointerOnCountIfMaterializedIsNull", (w) => w.count(absent), cannotBeNull("materialized")],
    [
      "shouldThrowNullPointerOnMaterializedAggregateIfMaterializedIsNull",
      (w) => w.aggregate(STRING_INIT, TOSTRING_ADDER, absent),
      cannotBeNull("materialized"),
    ],
    [
      "shouldThrowNullPointerOnMaterializedReduceIfMaterializedIsNull",
      (w) => w.reduce(STRING_ADDER, absent),
      cannotBeNull("materialized"),
    ],
    [
      "shouldThrowNullPointerOnMaterializedReduceIfNamedIsNull",
      (w) => w.reduce(STRING_ADDER, { name: absent }),
      cannotBeNull("named"),
    ],
  ];
}

describe("TimeWindowedKStreamImplTest: argument checks", () => {
  it.each(materializationCases())("%s", (_name, call, message) => {
    expectRefused(() => call(grouped().groupedStream.windowedBy(TimeWindows.ofSizeWithNoGrace(500))), message);
  });
});

describe("SlidingWindowedKStreamImplTest: argument checks", () => {
  it.each(materializationCases())("%s", (_name, call, message) => {
    const windows = SlidingWindows.ofTimeDifferenceAndGrace(100, 1000);
    expectRefused(() => call(grouped().groupedStream.windowedBy(windows)), message);
  });
});

describe("SessionWindowedKStreamImplTest", () => {
  const sessions = (emitStrategy = EmitStrategy.onWindowUpdate()) => {
    const { builder, groupedStream } = grouped();
    const stream = groupedStream.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(500)).emitStrategy(emitStrategy);
    return { builder, stream };
  };

  it.each<Case<SessionWindowedKStream<string, string>>>([
    ["shouldThrowNullPointerOnCountIfMaterializedIsNull", (s) => s.count(absent), cannotBeNull("materialized")],
    [
      "shouldThrowNullPointerOnMaterializedAggregateIfMaterializedIsNull",
      (s) => s.aggregate(STRING_INIT, TOSTRING_ADDER, sessionMerger, absent),
      cannotBeNull("materialized"),
    ],
    [
      "shouldThrowNullPointerOnMaterializedReduceIfMaterializedIsNull",
      (s) => s.reduce(STRING_ADDER, absent),
      cannotBeNull("materialized"),
    ],
    [
      "shouldThrowNullPointerOnMaterializedReduceIfNamedIsNull",
      (s) => s.reduce(STRING_ADDER, { name: absent }),
      cannotBeNull("named"),
    ],
    [
      "shouldThrowNullPointerOnAggregateIfMergerIsNull",
      (s) => s.aggregate(STRING_INIT, TOSTRING_ADDER, absent),
      cannotBeNull("sessionMerger"),
    ],
    [
      "shouldThrowNullPointerOnMaterializedAggregateIfMergerIsNull",
      (s) => s.aggregate(STRING_INIT, TOSTRING_ADDER, absent, { store: "store" }),
      cannotBeNull("sessionMerger"),
    ],
  ])("%s", (_name, call, message) => {
    expectRefused(() => call(sessions().stream), message);
  });

  it.each([
    ["onWindowClose", EmitStrategy.onWindowClose(), false],
    ["onWindowUpdate", EmitStrategy.onWindowUpdate(), true],
  ] as const)("shouldNotEnableCachingWithEmitFinal (%s)", (_name, emitStrategy, cached) => {
    const { builder, stream } = sessions(emitStrategy);
    stream.aggregate(STRING_INIT, TOSTRING_ADDER, sessionMerger, { store: "aggregated", value: Serdes.string() });
    expect(builder.build().stores.get("aggregated")).toMatchObject({ type: "session", caching: cached });
  });
});
