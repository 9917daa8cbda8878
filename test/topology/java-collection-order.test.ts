import { describe, expect, it } from "vitest";
import {
  JavaTreeSet,
  javaCollectionToString,
  javaHashMapOrder,
  javaHashSetOrder,
  javaStringHashCode,
} from "../../src/topology/java-collection-order.js";

describe("javaStringHashCode", () => {
  it("matches String.hashCode() of the JDK", () => {
    // Values printed by the JDK: "".hashCode(), "a".hashCode(), "hello".hashCode(), "polygenelubricants".hashCode() (overflows to MIN_VALUE).
    expect(javaStringHashCode("")).toBe(0);
    expect(javaStringHashCode("a")).toBe(97);
    expect(javaStringHashCode("hello")).toBe(99162322);
    expect(javaStringHashCode("polygenelubricants")).toBe(-2147483648);
  });
});

describe("javaHashSetOrder", () => {
  // Store sets exactly as Kafka Streams' own tests print them (TopologyTest), i.e. as a
  // java.util.HashSet iterates them. The first pair shares a bucket, so its order is the
  // insertion order; the others are ordered by bucket whatever the insertion order.
  const printedByKafkaStreams = [
    ["KSTREAM-OUTEROTHER-0000000005-store", "KSTREAM-OUTERSHARED-0000000004-store"],
    ["KSTREAM-OUTERTHIS-0000000004-store", "KSTREAM-OUTERSHARED-0000000004-store"],
    ["custom-name-outer-other-join-store", "custom-name-left-shared-join-store"],
    ["custom-name-outer-this-join-store", "custom-name-outer-shared-join-store"],
    ["custom-name-this-join-store", "custom-name-left-shared-join-store"],
    ["in-memory-join-store", "in-memory-join-store-left-shared-join-store"],
    ["in-memory-join-store-other", "in-memory-join-store-outer-shared-join-store"],
    ["in-memory-join-store-outer-shared-join-store", "in-memory-join-store"],
  ];

  it.each(printedByKafkaStreams)("orders [%s, %s] as a HashSet does, whatever the insertion order", (a, b) => {
    expect(javaHashSetOrder([a, b])).toEqual([a, b]);
    expect(javaHashSetOrder([b, a])).toEqual([a, b]);
  });

  it("keeps insertion order within a bucket", () => {
    const sameBucket = ["KSTREAM-JOINTHIS-0000000004-store", "KSTREAM-OUTERSHARED-0000000004-store"];
    expect(javaHashSetOrder(sameBucket)).toEqual(sameBucket);
    expect(javaHashSetOrder([...sameBucket].reverse())).toEqual([...sameBucket].reverse());
  });

  it("drops duplicates and prints as AbstractCollection.toString()", () => {
    expect(javaHashSetOrder(["a", "a"])).toEqual(["a"]);
    expect(javaCollectionToString([])).toBe("[]");
    expect(javaCollectionToString(["x", "y"])).toBe("[x, y]");
  });

  it("grows the table past 12 elements as HashMap does", () => {
    // 13 single letters: with 16 buckets "a".."m" (97..109) fall in buckets 1..13; with 32 as well.
    const letters = "mlkjihgfedcba".split("");
    expect(javaHashMapOrder(letters)).toEqual([...letters].sort());
    // "q" (113) is bucket 1 with 16 buckets, bucket 17 with 32.
    expect(javaHashMapOrder(["q", "a"])).toEqual(["q", "a"]);
    expect(javaHashMapOrder(["q", ..."abcdefghijkl"])).toEqual([..."abcdefghijkl", "q"]);
  });
});

describe("JavaTreeSet", () => {
  it("iterates in comparator order when the comparator is stable", () => {
    const set = new JavaTreeSet<number>((a, b) => a - b);
    for (const n of [5, 3, 9, 1, 7, 3]) set.add(n);
    expect(set.values()).toEqual([1, 3, 5, 7, 9]);
  });

  it("keeps the positions elements got when inserted, as a red-black TreeMap does", () => {
    const weight = new Map([
      ["a", 1],
      ["b", 1],
    ]);
    const set = new JavaTreeSet<string>(
      (x, y) => (weight.get(y) ?? 0) - (weight.get(x) ?? 0) || (x < y ? -1 : x > y ? 1 : 0),
    );
    set.add("b");
    set.add("a");
    weight.set("b", 5);
    weight.set("c", 3);
    set.add("c");
    // "c" lands right of the root "b" (weight 5 > 3); "a" keeps the place it got while it
    // weighed as much as "b", although a fresh sort would now put it last.
    expect(set.values()).toEqual(["a", "b", "c"]);
  });
});
