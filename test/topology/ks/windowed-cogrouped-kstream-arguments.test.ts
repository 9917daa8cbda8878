// Ports of the argument checks of Kafka Streams' TimeWindowedCogroupedKStreamImplTest,
// SlidingWindowedCogroupedKStreamImplTest and SessionWindowedCogroupedKStreamImplTest: a
// missing initializer or session merger, and a Named or Materialized given as null, refused
// when aggregate() is called. Eddy's one options object stands for both: Java's null Named
// is Eddy's { name: null }, its null Materialized the options object given as null or,
// beside a name, { store: null }.
import { describe, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import type { CogroupedKStream } from "../../../src/topology/dsl/cogrouped-kstream.js";
import type {
  SessionWindowedCogroupedKStream,
  TimeWindowedCogroupedKStream,
} from "../../../src/topology/dsl/windowed-cogrouped-kstream.js";
import { SessionWindows } from "../../../src/topology/dsl/session-windows.js";
import { SlidingWindows } from "../../../src/topology/dsl/sliding-windows.js";
import { TimeWindows } from "../../../src/topology/dsl/time-windows.js";
import { absent, cannotBeNull, expectRefused } from "./argument-checks.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
// MockAggregator.TOSTRING_ADDER, MockInitializer.STRING_INIT, and the session test's merger
const TOSTRING_ADDER = (_key: string, value: string, aggregate: string): string => `${aggregate}+${value}`;
const STRING_INIT = (): string => "0";
const sessionMerger = (_key: string, one: string, two: string): string => `${one}+${two}`;

function cogrouped(): CogroupedKStream<string, string> {
  const builder = new StreamsBuilder();
  const one = builder.stream("topic", strings).groupByKey(strings);
  const two = builder.stream("topic2", strings).groupByKey(strings);
  return one.cogroup(TOSTRING_ADDER).cogroup(two, TOSTRING_ADDER);
}

type Case<W> = [name: string, call: (windowedCogroupedStream: W) => unknown, message: RegExp];

/** The cases the time and the sliding windowed cogroups share. */
const timeCases: Case<TimeWindowedCogroupedKStream<string, string>>[] = [
  ["shouldNotHaveNullInitializerOnAggregate", (w) => w.aggregate(absent), cannotBeNull("initializer")],
  [
    "shouldNotHaveNullMaterializedOnTwoOptionAggregate",
    (w) => w.aggregate(STRING_INIT, absent),
    cannotBeNull("materialized"),
  ],
  [
    "shouldNotHaveNullNamedTwoOptionOnAggregate",
    (w) => w.aggregate(STRING_INIT, { name: absent }),
    cannotBeNull("named"),
  ],
  [
    "shouldNotHaveNullInitializerTwoOptionNamedOnAggregate",
    (w) => w.aggregate(absent, { name: "test" }),
    cannotBeNull("initializer"),
  ],
  [
    "shouldNotHaveNullInitializerTwoOptionMaterializedOnAggregate",
    (w) => w.aggregate(absent, { store: "test" }),
    cannotBeNull("initializer"),
  ],
  [
    "shouldNotHaveNullInitializerThreeOptionOnAggregate",
    (w) => w.aggregate(absent, { name: "test", store: "test" }),
    cannotBeNull("initializer"),
  ],
  [
    "shouldNotHaveNullMaterializedOnAggregate",
    (w) => w.aggregate(STRING_INIT, { name: "Test", store: absent }),
    cannotBeNull("materialized"),
  ],
  [
    "shouldNotHaveNullNamedOnAggregate",
    (w) => w.aggregate(STRING_INIT, { name: absent, store: "test" }),
    cannotBeNull("named"),
  ],
];

describe("TimeWindowedCogroupedKStreamImplTest: argument checks", () => {
  it.each(timeCases)("%s", (_name, call, message) => {
    expectRefused(() => call(cogrouped().windowedBy(TimeWindows.ofSizeWithNoGrace(500))), message);
  });
});

describe("SlidingWindowedCogroupedKStreamImplTest: argument checks", () => {
  it.each(timeCases)("%s", (_name, call, message) => {
    expectRefused(() => call(cogrouped().windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(500, 2000))), message);
  });
});

describe("SessionWindowedCogroupedKStreamImplTest: argument checks", () => {
  it.each<Case<SessionWindowedCogroupedKStream<string, string>>>([
    ["shouldNotHaveNullInitializerOnAggregate", (w) => w.aggregate(absent, sessionMerger), cannotBeNull("initializer")],
    [
      "shouldNotHaveNullSessionMergerOnAggregate",
      (w) => w.aggregate(STRING_INIT, absent),
      cannotBeNull("sessionMerger"),
    ],
    // Java's case of this name passes a null Named.
    [
      "shouldNotHaveNullMaterializedOnAggregate",
      (w) => w.aggregate(STRING_INIT, sessionMerger, { name: absent }),
      cannotBeNull("named"),
    ],
    [
      "shouldNotHaveNullSessionMerger2OnAggregate",
      (w) => w.aggregate(STRING_INIT, absent, { store: "test" }),
      cannotBeNull("sessionMerger"),
    ],
    [
      "shouldNotHaveNullInitializer2OnAggregate",
      (w) => w.aggregate(absent, sessionMerger, { store: "test" }),
      cannotBeNull("initializer"),
    ],
    [
      "shouldNotHaveNullMaterialized2OnAggregate",
      (w) => w.aggregate(STRING_INIT, sessionMerger, { name: "name", store: absent }),
      cannotBeNull("materialized"),
    ],
    [
      "shouldNotHaveNullSessionMerger3OnAggregate",
      (w) => w.aggregate(STRING_INIT, absent, { name: "name", store: "test" }),
      cannotBeNull("sessionMerger"),
    ],
    [
      "shouldNotHaveNullNamedOnAggregate",
      (w) => w.aggregate(STRING_INIT, sessionMerger, { name: absent, store: "test" }),
      cannotBeNull("named"),
    ],
    [
      "shouldNotHaveNullInitializer3OnAggregate",
      (w) => w.aggregate(absent, sessionMerger, { name: "name", store: "test" }),
      cannotBeNull("initializer"),
    ],
    [
      "shouldNotHaveNullNamed2OnAggregate",
      (w) => w.aggregate(STRING_INIT, sessionMerger, { name: absent }),
      cannotBeNull("named"),
    ],
  ])("%s", (_name, call, message) => {
    const windows = SessionWindows.ofInactivityGapAndGrace(100, 86_400_000);
    expectRefused(() => call(cogrouped().windowedBy(windows)), message);
  });
});
