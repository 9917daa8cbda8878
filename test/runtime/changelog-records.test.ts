// The part of a changelog read a restore applies: a source topic that is a store's changelog
// is restored up to the offset its task committed, though its reads go on past it.
import { describe, expect, it } from "vitest";
import { readUpTo } from "../../src/runtime/changelog-records.js";

describe("readUpTo", () => {
  const record = (offset: number) => ({
    topic: "prices",
    partition: 0,
    offset,
    timestamp: 0,
    key: Buffer.from(`k${offset}`),
    value: Buffer.from("v"),
    headers: [],
  });
  const read = { topic: "prices", partition: 0, records: [5, 6, 7, 8].map(record), nextOffset: 9, lastStableOffset: 9 };

  it("keeps the records before the end, and ends the read there: a source topic is restored to the committed offset only", () => {
    const upTo = readUpTo(read, 7);
    expect([...upTo.records].map((r) => r.offset)).toEqual([5, 6]);
    expect(upTo.nextOffset).toBe(7);
  });

  it("hands a read that ends before the end back as it is", () => {
    expect(readUpTo(read, 9)).toBe(read);
  });
});
