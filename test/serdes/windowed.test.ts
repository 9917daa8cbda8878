// Windowed key serdes, byte for byte as Kafka Streams' TimeWindowedSerializer and
// SessionWindowedSerializer write them.
import { describe, expect, it } from "vitest";
import { Serdes } from "../../src/serdes/serdes.js";
import { windowedToString } from "../../src/serdes/windowed.js";

describe("windowed serdes", () => {
  it("time-windowed: the key's bytes, then the start as an 8-byte big-endian long; the end is start + size", () => {
    const serde = Serdes.timeWindowed(Serdes.string(), 10);
    const bytes = serde.serialize({ key: "k", window: { start: 200, end: 210 } });
    expect(bytes.toString("hex")).toBe("6b" + "00000000000000c8");
    expect(serde.deserialize(bytes)).toEqual({ key: "k", window: { start: 200, end: 210 } });
    expect(windowedToString(serde.deserialize(bytes))).toBe("[k@200/210]");
  });

  it("session-windowed: the key's bytes, then the end, then the start", () => {
    const serde = Serdes.sessionWindowed(Serdes.string());
    const bytes = serde.serialize({ key: "k", window: { start: 1, end: 2 } });
    expect(bytes.toString("hex")).toBe("6b" + "0000000000000002" + "0000000000000001");
    expect(serde.deserialize(bytes)).toEqual({ key: "k", window: { start: 1, end: 2 } });
  });

  it("refuses bytes too short to hold a window, and a window size that is not positive", () => {
    expect(() => Serdes.timeWindowed(Serdes.string(), 10).deserialize(Buffer.alloc(7))).toThrow(/at least 8 bytes/);
    expect(() => Serdes.sessionWindowed(Serdes.string()).deserialize(Buffer.alloc(15))).toThrow(/at least 16 bytes/);
    expect(() => Serdes.timeWindowed(Serdes.string(), 0)).toThrow(RangeError);
  });
});
