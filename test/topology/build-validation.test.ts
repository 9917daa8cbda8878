// build() refuses topologies that cannot run, naming the node (or store, or topic) and
// saying what to change; misuse of the DSL fails at the call.
import { describe, expect, it } from "vitest";
import {
  CopartitionError,
  DuplicateNameError,
  InvalidOperationError,
  InvalidTopologyError,
  MissingSerdeError,
  StorePlacementError,
  TopologyError,
  UnknownStoreError,
} from "../../src/topology/errors.js";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
const noop = () => ({ process() {} });

function problemsOf(build: () => unknown): TopologyError[] {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTopologyError);
    expect(error).toBeInstanceOf(TopologyError);
    return [...(error as InvalidTopologyError).problems];
  }
  throw new Error("build() did not fail");
}

describe("build() validation", () => {
  it("names the processor that uses an unknown store", () => {
    const builder = new StreamsBuilder();
    builder.stream("in", strings).process(noop, { name: "auditor", stores: ["audit-log"] });
    const [problem, ...rest] = problemsOf(() => builder.build());
    expect(rest).toEqual([]);
    expect(problem).toBeInstanceOf(UnknownStoreError);
    expect(problem).toMatchObject({ code: "EDDY_ERR_UNKNOWN_STORE", node: "auditor", store: "audit-log" });
    expect(problem?.message).toMatch(/Processor auditor uses state store "audit-log", which is not in the topology/);
  });

  it("names the sink, the part and the call to fix when a serde was lost upstream", () => {
    const builder = new StreamsBuilder();
    builder
      .stream("in", strings)
      .map((key, value) => ({ key: value.length, value: key }))
      .to("out");
    // The configuration's defaults may still fill them: the topology fails when it is run without.
    const topology = builder.build();
    const problems = problemsOf(() => topology.frozen());
    expect(
      problems.map((problem) => [
        problem.constructor,
        (problem as MissingSerdeError).node,
        (problem as MissingSerdeError).part,
      ]),
    ).toEqual([
      [MissingSerdeError, "KSTREAM-SINK-0000000002", "key"],
      [MissingSerdeError, "KSTREAM-SINK-0000000002", "value"],
    ]);
    expect(problems[0]?.message).toBe(
      "Sink KSTREAM-SINK-0000000002 (topic: out) has no key serde (the key type changed upstream, so no serde could be kept): pass { key: <serde> } to to(), or set defaultKeySerde in the configuration",
    );
    expect(
      topology.frozen({ key: Serdes.int32(), value: Serdes.string() }).node("KSTREAM-SINK-0000000002"),
    ).toMatchObject({ keySerde: Serdes.int32(), valueSerde: Serdes.string() });
  });

  it("asks for the aggregate's value serde and the grouping's key serde where they are missing", () => {
    const builder = new StreamsBuilder();
    builder
      .stream("in", strings)
      .groupBy((_key, value) => value.length)
      .aggregate(
        () => [] as string[],
        (_length, value, list) => [...list, value],
      );
    const topology = builder.build();
    const messages = problemsOf(() => topology.frozen()).map((problem) => problem.message);
    expect(messages).toEqual([
      "Sink KSTREAM-SINK-0000000004 (topic: KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition) has no key serde (the key type changed upstream, so no serde could be kept): pass { key: <serde> } to groupBy(), or set defaultKeySerde in the configuration",
      'State store "KSTREAM-AGGREGATE-STATE-STORE-0000000002" (used by KSTREAM-AGGREGATE-0000000003) has no key serde: pass { key: <serde> } to groupBy() or groupByKey(), or set defaultKeySerde in the configuration',
      'State store "KSTREAM-AGGREGATE-STATE-STORE-0000000002" (used by KSTREAM-AGGREGATE-0000000003) has no value serde: pass { value: <serde> } to aggregate(), or set defaultValueSerde in the configuration',
    ]);
    // A default for one part leaves the other's problems.
    expect(problemsOf(() => topology.frozen({ key: Serdes.int32() })).map((problem) => problem.message)).toEqual([
      messages[2],
    ]);
  });

  it("refuses a store used on both sides of a repartition topic, and a store nobody uses", () => {
    const builder = new StreamsBuilder();
    builder.addStateStore({ name: "shared", key: Serdes.string(), value: Serdes.string() });
    builder.addStateStore({ name: "forgotten", key: Serdes.string(), value: Serdes.string() });
    const stream = builder.stream("in", strings);
    stream.process(noop, { name: "before", stores: ["shared"] });
    stream
      .selectKey((_key, value) => value)
      .repartition({ name: "rekeyed", key: Serdes.string() })
      .process(noop, { name: "after", stores: ["shared"] });
    const problems = problemsOf(() => builder.build());
    expect(problems.every((problem) => problem instanceof StorePlacementError)).toBe(true);
    expect(problems.map((problem) => problem.message)).toEqual([
      'State store "forgotten" was added but no processor uses it: pass it in process(..., { stores: ["forgotten"] })',
      'State store "shared" is used on both sides of repartition topic "rekeyed-repartition" (rekeyed-repartition-sink writes it, ' +
        "rekeyed-repartition-source reads it): a store lives in one sub-topology, keyed like the records that reach it; use it only after the repartition",
    ]);
  });

  it("puts processors sharing a store into one sub-topology, with both their sources", () => {
    const builder = new StreamsBuilder();
    builder.addStateStore({ name: "shared", key: Serdes.string(), value: Serdes.string() });
    builder.stream("a", strings).process(noop, { stores: ["shared"] });
    builder.stream("b", strings).process(noop, { stores: ["shared"] });
    builder.stream("c", strings).to("d");
    const topology = builder.build();
    expect(topology.subtopologies.map((subtopology) => subtopology.sourceTopics)).toEqual([["a", "b"], ["c"]]);
    expect(topology.stores.get("shared")).toMatchObject({
      subtopology: 0,
      processors: ["KSTREAM-PROCESSOR-0000000001", "KSTREAM-PROCESSOR-0000000003"],
    });
  });

  it("refuses joined repartition topics declared with different partition counts", () => {
    const builder = new StreamsBuilder();
    const counts = builder.stream("x", strings).repartition({ partitions: 2 }).groupByKey().count({ store: "counts" });
    builder
      .stream("y", strings)
      .repartition({ partitions: 4 })
      .join(counts, (value, count) => `${value}:${count}`)
      .to("out", strings);
    const [problem] = problemsOf(() => builder.build());
    expect(problem).toBeInstanceOf(CopartitionError);
    expect(problem?.message).toMatch(
      /^KSTREAM-JOIN-0000000011 joins repartition topics declared with different partition counts \(KSTREAM-REPARTITION-0000000007-repartition: 4, KSTREAM-REPARTITION-0000000001-repartition: 2\)/,
    );
  });

  it("reports every problem at once", () => {
    const builder = new StreamsBuilder();
    builder.stream("in", strings).process(noop, { stores: ["a"] });
    builder.stream("in2", strings).process(noop, { stores: ["b"] });
    const error = (() => {
      try {
        builder.build();
      } catch (caught) {
        return caught as InvalidTopologyError;
      }
      throw new Error("build() did not fail");
    })();
    expect(error.code).toBe("EDDY_ERR_INVALID_TOPOLOGY");
    expect(error.problems).toHaveLength(2);
    expect(error.message).toMatch(
      /^The topology cannot be built \(2 problems\):\n {2}- \[EDDY_ERR_UNKNOWN_STORE\] .*"a".*\n {2}- \[EDDY_ERR_UNKNOWN_STORE\] .*"b"/,
    );
  });
});

describe("DSL misuse fails at the call", () => {
  it("refuses duplicate node and store names", () => {
    const builder = new StreamsBuilder();
    const stream = builder.stream("in", strings);
    stream.filter(() => true, { name: "only-once" });
    expect(() => stream.filter(() => true, { name: "only-once" })).toThrow(DuplicateNameError);
    stream.groupByKey().count({ store: "counts" });
    expect(() => stream.groupByKey().count({ store: "counts" })).toThrow(
      /State store "counts" is already in the topology/,
    );
  });

  it("reads a topic once: the same serdes share the source node, other serdes or a table on it are refused", () => {
    const builder = new StreamsBuilder();
    const first = builder.stream("in", strings);
    const again = builder.stream("in", strings);
    expect(again.name).toBe(first.name);
    expect(() => builder.stream("in", { key: Serdes.string(), value: Serdes.bytes() })).toThrow(InvalidOperationError);
    expect(() => builder.table("in", strings)).toThrow(
      /Topic "in" is already read by source KSTREAM-SOURCE-0000000000/,
    );
  });

  it("refuses illegal names, and a builder that was already built", () => {
    const builder = new StreamsBuilder();
    expect(() => builder.stream("in", { ...strings, name: "has space" })).toThrow(
      /Processor name "has space" is illegal/,
    );
    expect(() => builder.stream("bad/topic", strings)).toThrow(/Topic name "bad\/topic" is illegal/);
    builder.stream("ok", strings).to("out");
    builder.build();
    expect(() => builder.stream("more", strings)).toThrow(/already built/);
    expect(() => builder.build()).toThrow(InvalidOperationError);
  });
});
