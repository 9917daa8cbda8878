// Ports of Kafka Streams' WindowedSerdesTest (streams/src/test/.../kstream): windowed keys
// written and read back by Serdes.timeWindowed() and Serdes.sessionWindowed(), Eddy's
// WindowedSerdes.timeWindowedSerdeFrom() and sessionWindowedSerdeFrom().
//
// Left out, with why: shouldWrapFor{Time,Session}WindowedSerde check Java classes
// (TimeWindowedSerializer, innerSerializer()), which an Eddy serde is not made of (the
// round trips below and serializeBaseKey() stand for them); the *ShouldThrowNpeIfNotInitialized
// and *ShouldNotThrowOnCloseIfNotInitialized cases test Java's no-arg constructors and
// close(); Eddy's windowed serdes are only made from their inner serde. Likewise
// TimeWindowedDeserializerTest and SessionWindowedDeserializerTest test Java's configure()
// from class-name configs (window.size.ms, windowed.inner.class.serde), which Eddy has not.
import { describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import type { Windowed } from "../../../src/serdes/windowed.js";

const topic = "sample";
const context = { topic, part: "key" as const };

describe("WindowedSerdesTest", () => {
  it("testTimeWindowSerdeFrom", () => {
    // Long.MAX_VALUE in Java: the largest window end a number holds here.
    const timeWindowed: Windowed<number> = { key: 10, window: { start: 0, end: Number.MAX_SAFE_INTEGER } };
    const timeWindowedSerde = Serdes.timeWindowed(Serdes.int32(), Number.MAX_SAFE_INTEGER);
    const bytes = timeWindowedSerde.serialize(timeWindowed, context);
    expect(timeWindowedSerde.deserialize(bytes, context)).toEqual(timeWindowed);
  });

  it("testSessionWindowedSerdeFrom", () => {
    const sessionWindowed: Windowed<number> = { key: 10, window: { start: 0, end: 1 } };
    const sessionWindowedSerde = Serdes.sessionWindowed(Serdes.int32());
    const bytes = sessionWindowedSerde.serialize(sessionWindowed, context);
    expect(sessionWindowedSerde.deserialize(bytes, context)).toEqual(sessionWindowed);
  });

  it("writes the layouts Kafka Streams writes: key + start (time), key + end + start (session)", () => {
    const windowed: Windowed<string> = { key: "k", window: { start: 5, end: 15 } };
    const long = (n: number) => {
      const b = Buffer.alloc(8);
      b.writeBigInt64BE(BigInt(n));
      return b;
    };
    expect(Serdes.timeWindowed(Serdes.string(), 10).serialize(windowed, context)).toEqual(
      Buffer.concat([Buffer.from("k"), long(5)]),
    );
    expect(Serdes.sessionWindowed(Serdes.string()).serialize(windowed, context)).toEqual(
      Buffer.concat([Buffer.from("k"), long(15), long(5)]),
    );
  });
});
