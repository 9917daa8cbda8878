// The row index a window store's writer keeps (window-row-index.ts): exact per segment, and
// once past its bound it answers "unknown" rather than a wrong "absent".
import { describe, expect, it } from "vitest";
import { WindowRowIndex } from "../../src/stores/window-row-index.js";

describe("WindowRowIndex", () => {
  it("knows which rows each segment holds, and hands over the expired segments' rows", () => {
    const index = new WindowRowIndex();
    index.add(1, "a1");
    index.add(1, "b1");
    index.add(1, "a1");
    index.add(2, "a2");
    expect(index.rows).toBe(3);
    expect(index.has(1, "a1")).toBe(true);
    expect(index.has(2, "b1")).toBe(false);
    expect(index.has(7, "a1")).toBe(false);
    index.remove(1, "b1");
    index.remove(1, "missing");
    expect(index.has(1, "b1")).toBe(false);
    expect(index.rows).toBe(2);
    expect(index.takeBefore(2)).toEqual(["a1"]);
    expect(index.has(1, "a1")).toBe(false);
    expect(index.takeBefore(2)).toEqual([]);
    expect(index.rows).toBe(1);
    index.remove(2, "a2");
    expect(index.rows).toBe(0);
  });

  it("gives up past its bound: every answer is unknown from then on", () => {
    const index = new WindowRowIndex(2);
    index.add(1, "a");
    index.add(1, "b");
    expect(index.complete).toBe(true);
    index.add(2, "c");
    expect(index.complete).toBe(false);
    expect(index.has(1, "a")).toBeUndefined();
    expect(index.has(1, "zzz")).toBeUndefined();
    expect(index.takeBefore(5)).toBeUndefined();
    index.add(3, "d");
    index.remove(1, "a");
    expect(index.rows).toBe(0);
  });
});
