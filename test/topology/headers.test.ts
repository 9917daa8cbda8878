import { describe, expect, it } from "vitest";
import { RecordHeaders } from "../../src/topology/headers.js";

describe("RecordHeaders", () => {
  it("copies a consumed record's header list: order and repeats kept, the list itself never changed", () => {
    const consumed = [
      { key: "correlation-id", value: Buffer.from("c-1") },
      { key: "trace", value: null },
      { key: "correlation-id", value: Buffer.from("c-2") },
    ];
    const headers = new RecordHeaders(consumed);
    expect(headers.lastString("correlation-id")).toBe("c-2");
    expect(headers.headers("correlation-id").map((h) => h.value?.toString())).toEqual(["c-1", "c-2"]);
    headers.add("reply-to", "replies").remove("trace");
    expect(consumed.map((h) => h.key)).toEqual(["correlation-id", "trace", "correlation-id"]);
    expect(headers.toJSON()).toEqual([
      { key: "correlation-id", value: "c-1" },
      { key: "correlation-id", value: "c-2" },
      { key: "reply-to", value: "replies" },
    ]);
  });

  it("reads mixed lists of pairs and headers, writing string values as UTF-8", () => {
    const headers = new RecordHeaders([["a", "1"], { key: "b", value: Buffer.from("2") }] as never);
    expect(headers.toJSON()).toEqual([
      { key: "a", value: "1" },
      { key: "b", value: "2" },
    ]);
  });

  it("keeps empty headers apart: adding to one (or to a copy) changes no other", () => {
    const fromNothing = new RecordHeaders();
    const fromEmptyList = new RecordHeaders([]);
    const copy = fromEmptyList.clone();
    fromNothing.add("a", "1");
    copy.add("b", "2").set("b", "3");
    expect(fromNothing.toJSON()).toEqual([{ key: "a", value: "1" }]);
    expect(fromEmptyList.size).toBe(0);
    expect([...fromEmptyList]).toEqual([]);
    expect(copy.toJSON()).toEqual([{ key: "b", value: "3" }]);
    expect(new RecordHeaders().remove("x").toArray()).toEqual([]);
    const list = new RecordHeaders().toArray();
    list.push({ key: "mine", value: null });
    expect(new RecordHeaders().size).toBe(0);
  });
});
