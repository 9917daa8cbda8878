import { describe, expect, it } from "vitest";
import { keyBounds } from "../../src/stores/bytes-order.js";
import { OrderedBytesMap } from "../../src/stores/ordered-bytes-map.js";

const key = (n: number): Buffer => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(n);
  return bytes;
};

describe("OrderedBytesMap", () => {
  it("stays ordered and complete through many splits and merges", () => {
    const map = new OrderedBytesMap<number>();
    // A permutation of 0..9999 (7919 is prime, coprime with 10000).
    let inserted = 0;
    for (let i = 0; i < 10_000; i += 1) if (map.set(key((i * 7919) % 10_000), i) === undefined) inserted += 1;
    expect(inserted).toBe(10_000);
    expect(map.size).toBe(10_000);
    let deleted = 0;
    for (let n = 0; n < 10_000; n += 2) if (map.delete(key(n)) !== undefined) deleted += 1;
    expect(deleted).toBe(5000);
    expect(map.size).toBe(5000);
    const keys = [...map.entries()].map(([k]) => k.readUInt32BE());
    expect(keys).toEqual(Array.from({ length: 5000 }, (_, i) => i * 2 + 1));
    for (let n = 1; n < 10_000; n += 2) {
      if (n % 3 !== 0) map.delete(key(n));
    }
    expect([...map.entries()].map(([k]) => k.readUInt32BE())).toEqual(
      Array.from({ length: 10_000 }, (_, n) => n).filter((n) => n % 2 === 1 && n % 3 === 0),
    );
    expect(map.get(key(3))).toBeDefined();
    expect(map.get(key(5))).toBeUndefined();
    // forEach() and toArray() walk the same entries, in the same order, as entries().
    const visited: [Buffer, number][] = [];
    map.forEach((k, v) => visited.push([k, v]));
    expect(visited).toEqual([...map.entries()]);
    expect(map.toArray()).toEqual([...map.entries()]);
    expect(map.toArray()).toHaveLength(map.size);
  });

  it("collects bounded chunks in both directions", () => {
    const map = new OrderedBytesMap<string>();
    for (let n = 0; n < 1000; n += 10) map.set(key(n), `v${n}`);
    const ascending = map.collect(keyBounds({ gt: key(100), lte: key(200) }), false, 4);
    expect(ascending.map(([k]) => k.readUInt32BE())).toEqual([110, 120, 130, 140]);
    const descending = map.collect(keyBounds({ gte: key(95), lt: key(130) }), true, 10);
    expect(descending.map(([k]) => k.readUInt32BE())).toEqual([120, 110, 100]);
    expect(map.collect(keyBounds({ lt: key(0) }), true, 10)).toEqual([]);
    expect(map.collect(keyBounds({ gt: key(990) }), false, 10)).toEqual([]);
  });

  it("returns the previous value on overwrite and delete", () => {
    const map = new OrderedBytesMap<string>();
    expect(map.set(key(1), "a")).toBeUndefined();
    expect(map.set(key(1), "b")).toBe("a");
    expect(map.delete(key(1))).toBe("b");
    expect(map.delete(key(1))).toBeUndefined();
    expect(map.size).toBe(0);
  });
});
