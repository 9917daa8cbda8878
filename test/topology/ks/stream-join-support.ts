// A harness for the ports of Kafka Streams' stream-stream join tests: two Integer/String
// input topics joined into an output topic the test reads as MockApiProcessor's
// checkAndClearProcessResult does (everything since the last check, in order).
import { expect } from "vitest";
import type { Serde } from "../../../src/serdes/serde.js";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import type { JoinWindows } from "../../../src/topology/dsl/join-windows.js";
import type { KStream } from "../../../src/topology/dsl/kstream.js";
import type { StreamJoinedOptions } from "../../../src/topology/dsl/stream-joined.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import type { TopologyTestDriverOptions } from "../../../src/testing/topology-test-driver.js";
import { readAll, toStringJoiner } from "./support.js";
import type { KeyValueTimestamp } from "./support.js";

export type JoinKind = "join" | "leftJoin" | "outerJoin";

export const consumed = { key: Serdes.int32(), value: Serdes.string() };

export interface JoinHarness {
  readonly driver: TopologyTestDriver;
  /** Pipes a record into topic1 at `timestamp` (0 by default, where the tests' input topics start). */
  in1(key: number | undefined, value: string, timestamp?: number): Promise<void>;
  /** Pipes a record into topic2: a string or, where the test reads topic2 with Serdes.Long, a number. */
  in2(key: number | undefined, value: string | number, timestamp?: number): Promise<void>;
  /** Kafka Streams' checkAndClearProcessResult: exactly these results since the last check, in order. */
  check(...expected: KeyValueTimestamp<number, string>[]): void;
}

/** topic2's values: strings, or longs as the outer join tests' consumed2. */
export type OtherValues = "string" | "long";

export function joinTopology(
  kind: JoinKind,
  windows: JoinWindows,
  other: OtherValues = "string",
  options?: StreamJoinedOptions<number, string, unknown>,
): StreamsBuilder {
  const builder = new StreamsBuilder();
  const otherSerde = (other === "long" ? Serdes.long() : Serdes.string()) as Serde<unknown>;
  const stream1 = builder.stream("topic1", consumed);
  const stream2 = builder.stream<number, unknown>("topic2", { key: Serdes.int32(), value: otherSerde });
  const joined: StreamJoinedOptions<number, string, unknown> = options ?? {
    key: Serdes.int32(),
    value: Serdes.string(),
    otherValue: otherSerde as Serde<NonNullable<unknown>>,
  };
  joinOf(kind, stream1, stream2, windows, joined).to("output", { value: Serdes.string() });
  return builder;
}

export async function joinHarness(
  kind: JoinKind,
  windows: JoinWindows,
  other: OtherValues = "string",
  options?: StreamJoinedOptions<number, string, unknown>,
  driverOptions: TopologyTestDriverOptions = {},
): Promise<JoinHarness> {
  const driver = new TopologyTestDriver(joinTopology(kind, windows, other, options).build(), {
    startTime: 0,
    ...driverOptions,
  });
  const input1 = driver.createInputTopic("topic1", Serdes.int32(), Serdes.string());
  const input2 = driver.createInputTopic(
    "topic2",
    Serdes.int32(),
    (other === "long" ? Serdes.long() : Serdes.string()) as Serde<string | number>,
  );
  const output = driver.createOutputTopic("output", Serdes.int32(), Serdes.string());
  return {
    driver,
    in1: (key, value, timestamp = 0) => input1.pipeInput(defined(key), value, { timestamp }),
    in2: (key, value, timestamp = 0) => input2.pipeInput(defined(key), value, { timestamp }),
    check(...expected) {
      expect(readAll(output)).toEqual(expected);
    },
  };
}

/** The Java tests index their key arrays (expectedKeys[i]) within bounds. */
function defined(key: number | undefined): number {
  if (key === undefined) throw new RangeError("a test indexed past its keys");
  return key;
}

/** stream1.join / leftJoin / outerJoin(stream2, MockValueJoiner.TOSTRING_JOINER, windows, joined). */
export function joinOf<V, VO>(
  kind: JoinKind,
  stream1: KStream<number, V>,
  stream2: KStream<number, VO>,
  windows: JoinWindows,
  joined: StreamJoinedOptions<number, V, VO>,
): KStream<number, string> {
  switch (kind) {
    case "join":
      return stream1.join(stream2, toStringJoiner, windows, joined);
    case "leftJoin":
      return stream1.leftJoin(stream2, toStringJoiner, windows, joined);
    case "outerJoin":
      return stream1.outerJoin(stream2, toStringJoiner, windows, joined);
  }
}
