// The iteration order of a java.util.HashSet<Bytes>, as suppress()'s buffer logs its dirty
// keys. The expected hashes and orders are what Java gives for a HashSet of a key whose
// hashCode is Arrays.hashCode of its bytes: buckets (spread hash & (size - 1)) in index
// order, the keys of one bucket in the order they were added, the table size kept through
// clear().
import { describe, expect, it } from "vitest";
import { JavaHashSetOrder, javaBytesHashCode } from "../../src/testing/java-hash-set-order.js";

const keys = (...names: string[]) => names.map((name) => [Buffer.from(name), name] as const);

describe("JavaHashSetOrder", () => {
  it("hashes bytes as Arrays.hashCode(byte[]), bytes signed", () => {
    expect(javaBytesHashCode(Buffer.from("a"))).toBe(128);
    expect(javaBytesHashCode(Buffer.from("ab"))).toBe(31 * 128 + 98);
    expect(javaBytesHashCode(Buffer.from([0xff]))).toBe(31 - 1);
    expect(javaBytesHashCode(Buffer.alloc(0))).toBe(1);
    // Java: Arrays.hashCode("hello world".getBytes()) == 1923188771 (wrapping at 32 bits on the way).
    expect(javaBytesHashCode(Buffer.from("hello world"))).toBe(1923188771);
  });

  it("iterates by bucket, then by insertion within a bucket", () => {
    // "a" = 128 -> bucket 0, "b" = 129 -> bucket 1, "q" = 144 -> bucket 0 of 16.
    expect(new JavaHashSetOrder().order(keys("b", "q", "a"))).toEqual(["q", "a", "b"]);
  });

  it("doubles its table past 12 keys, and keeps the larger table after it is emptied", () => {
    const set = new JavaHashSetOrder();
    // "a" (128) and "q" (144) share bucket 0 of 16 but not of 32 (144 & 31 = 16).
    expect(set.order(keys("q", "a"))).toEqual(["q", "a"]);
    const thirteen = "abcdefghijklm".split("");
    expect(set.order(keys(...thirteen))).toEqual(thirteen);
    expect(set.order(keys("q", "a"))).toEqual(["a", "q"]);
  });
});
