import { describe, expect, it } from "vitest";
import { compareBytes, prefixRange, prefixUpperBound } from "../../src/stores/bytes-order.js";

describe("compareBytes", () => {
  it("agrees with Buffer.compare (unsigned byte-wise) for short and long keys", () => {
    let seed = 7;
    const byte = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    };
    const keys: Buffer[] = [];
    for (let i = 0; i < 300; i += 1) {
      const length = [0, 1, 2, 8, 31, 32, 33, 64][i % 8] as number;
      // A shared head makes the comparisons run deep into the keys.
      keys.push(Buffer.from(Array.from({ length }, (_, j) => (j < length - 2 ? 0xab : byte()))));
    }
    const disagreements: string[] = [];
    for (const a of keys) {
      for (const b of keys) {
        if (Math.sign(compareBytes(a, b)) !== Buffer.compare(a, b))
          disagreements.push(`${a.toString("hex")} vs ${b.toString("hex")}`);
      }
    }
    expect(disagreements).toEqual([]);
  });
});

describe("prefixUpperBound", () => {
  it("increments the last byte that is not 0xff", () => {
    expect(prefixUpperBound(Buffer.from("01fe", "hex"))?.toString("hex")).toBe("01ff");
    expect(prefixUpperBound(Buffer.from("01ff", "hex"))?.toString("hex")).toBe("02");
    expect(prefixUpperBound(Buffer.from("00ffff", "hex"))?.toString("hex")).toBe("01");
    expect(prefixUpperBound(Buffer.from("ffff", "hex"))).toBeUndefined();
    expect(prefixUpperBound(Buffer.alloc(0))).toBeUndefined();
    expect(prefixRange(Buffer.from("ff", "hex"))).toEqual({ gte: Buffer.from("ff", "hex"), reverse: false });
  });
});
