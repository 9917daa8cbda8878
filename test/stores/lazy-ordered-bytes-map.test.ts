import { describe, expect, it } from "vitest";
import { keyBounds } from "../../src/stores/bytes-order.js";
import { LazyOrderedBytesMap } from "../../src/stores/lazy-ordered-bytes-map.js";
import { OrderedBytesMap } from "../../src/stores/ordered-bytes-map.js";

// Keys of 0 to 3 bytes, 0x00 and 0xff included, so that prefixes and the bytes a latin1
// string might order otherwise (above 0x7f) are all there.
const key = (n: number): Buffer => {
  const bytes = [0x00, 0x01, 0x7f, 0x80, 0xc3, 0xff];
  const out: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 7)) out.push(bytes[(rest % 7) - 1] ?? 0x41);
  return Buffer.from(out);
};

/** A small deterministic generator, so that a failure repeats. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const pairs = (map: { forEach(visit: (key: Buffer, value: number) => void): void }): [string, number][] => {
  const out: [string, number][] = [];
  map.forEach((k, v) => out.push([k.toString("hex"), v]));
  return out;
};

describe("LazyOrderedBytesMap", () => {
  it("holds what an OrderedBytesMap holds, in its order, through writes, deletes and a hint from the last map", () => {
    const next = random(18);
    let hint: readonly string[] = [];
    for (let interval = 0; interval < 20; interval += 1) {
      // A hint from the last interval: most keys again, some new, some gone.
      const lazy = new LazyOrderedBytesMap<number>(false, hint);
      const ordered = new OrderedBytesMap<number>();
      for (let i = 0; i < 300; i += 1) {
        const k = key(Math.floor(next() * 400));
        if (next() < 0.1) {
          lazy.delete(k);
          ordered.delete(k);
        } else {
          // Half the writes give the row (as the caching store does), half leave it to the map.
          lazy.set(k, i, next() < 0.5 ? k.toString("latin1") : undefined);
          ordered.set(k, i);
        }
        if (i % 97 === 0) expect(pairs(lazy)).toEqual(pairs(ordered));
      }
      expect(lazy.size).toBe(ordered.size);
      expect(pairs(lazy)).toEqual(pairs(ordered));
      expect(lazy.toArray()).toEqual(ordered.toArray());
      expect([...lazy.entries()]).toEqual([...ordered.entries()]);
      for (let n = 0; n < 400; n += 1) expect(lazy.get(key(n))).toBe(ordered.get(key(n)));
      expect(lazy.isOrdered).toBe(false);
      hint = lazy.rowOrder();
      expect(hint).toEqual(ordered.toArray().map(([k]) => k.toString("latin1")));
    }
  });

  it("keeps its entries in key order from its first scan on", () => {
    const lazy = new LazyOrderedBytesMap<number>(false, ["b", "d"]);
    for (const [i, row] of ["d", "a", "c", "b"].entries()) lazy.set(Buffer.from(row), i);
    expect(lazy.isOrdered).toBe(false);
    const scanned = [...lazy.scan(keyBounds({ gte: Buffer.from("b") }), true)].map(([k, v]) => [k.toString(), v]);
    expect(scanned).toEqual([
      ["d", 0],
      ["c", 2],
      ["b", 3],
    ]);
    expect(lazy.isOrdered).toBe(true);
    lazy.set(Buffer.from("ab"), 4);
    lazy.delete(Buffer.from("c"));
    expect(pairs(lazy).map(([k, v]) => [Buffer.from(k, "hex").toString(), v])).toEqual([
      ["a", 1],
      ["ab", 4],
      ["b", 3],
      ["d", 0],
    ]);
    expect(new LazyOrderedBytesMap<number>(true).isOrdered).toBe(true);
  });
});
