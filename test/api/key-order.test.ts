import { describe, expect, it } from "vitest";
import { InvalidCursorError } from "../../src/api/errors.js";
import { decodeCursor, encodeCursor, hasMoreAfter, mergeSortedByKey } from "../../src/api/key-order.js";

const entry = (key: string | number[], source = "") => ({ keyBytes: Buffer.from(key as string), source });

describe("mergeSortedByKey", () => {
  it("merges sorted lists in unsigned byte order, keeps the first of equal keys, stops at the limit", () => {
    const x = [entry("a", "x"), entry("c", "x"), entry([0xc3, 0xa9], "x")];
    const y = [entry("b", "y"), entry("c", "y"), entry("d", "y")];
    const merged = mergeSortedByKey([x, y], 10);
    expect(merged.map((e) => `${e.keyBytes.toString("latin1")}:${e.source}`)).toEqual([
      "a:x",
      "b:y",
      "c:x",
      "d:y",
      "Ã©:x",
    ]);
    expect(mergeSortedByKey([x, y], 3).map((e) => e.keyBytes.toString())).toEqual(["a", "b", "c"]);
    expect(mergeSortedByKey([], 3)).toEqual([]);
  });

  it("tells whether a list has entries past the last merged key", () => {
    const lists = [[entry("a"), entry("e")], [entry("b")]];
    const merged = mergeSortedByKey(lists, 2);
    expect(hasMoreAfter(lists, merged[merged.length - 1]?.keyBytes)).toBe(true);
    expect(hasMoreAfter(lists, Buffer.from("e"))).toBe(false);
  });
});

describe("scan cursors", () => {
  it("round-trips any key bytes and rejects what it did not write", () => {
    for (const key of [Buffer.alloc(0), Buffer.from([0, 255, 1]), Buffer.from("/page/07")]) {
      expect(decodeCursor(encodeCursor(key)).equals(key)).toBe(true);
    }
    expect(() => decodeCursor("zzz")).toThrow(InvalidCursorError);
    expect(() => decodeCursor("k$$$")).toThrow(InvalidCursorError);
  });
});
