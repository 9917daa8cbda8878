// The session index a session store's writer keeps (session-index.ts): a key's sessions in
// the store's order (end, then start, as their big-endian bytes compare), the sessions of
// each segment for expiry, and once past its bound "unknown" rather than a wrong "none".
import { describe, expect, it } from "vitest";
import { SessionIndex } from "../../src/stores/session-index.js";
import type { IndexedSession } from "../../src/stores/session-index.js";

const session = (keyRow: string, start: number, end: number): IndexedSession => ({
  keyRow,
  row: `${keyRow}@${start}/${end}`,
  start,
  end,
});
const windows = (sessions: readonly IndexedSession[] | undefined) => sessions?.map((s) => [s.start, s.end]);

describe("SessionIndex", () => {
  it("keeps a key's sessions by end, then start, whatever order they come in", () => {
    const index = new SessionIndex(100);
    for (const [start, end] of [
      [50, 60],
      [0, 10],
      [5, 10],
      [20, 30],
      [0, 10],
    ] as const)
      index.add(session("a", start, end));
    index.add(session("b", 0, 10));
    expect(windows(index.sessionsOf("a"))).toEqual([
      [0, 10],
      [5, 10],
      [20, 30],
      [50, 60],
    ]);
    expect(index.rows).toBe(5);
    expect(index.has("a", 5, 10)).toBe(true);
    expect(index.has("a", 5, 11)).toBe(false);
    expect(index.has("c", 0, 10)).toBe(false);
    expect(index.sessionsOf("c")).toEqual([]);
    index.remove("a", 5, 10);
    index.remove("a", 5, 10);
    index.remove("c", 0, 0);
    expect(windows(index.sessionsOf("a"))).toEqual([
      [0, 10],
      [20, 30],
      [50, 60],
    ]);
    expect(index.rows).toBe(4);
  });

  it("orders a negative time after every positive one, as the store's bytes do", () => {
    const index = new SessionIndex(100);
    index.add(session("a", -5, -1));
    index.add(session("a", 0, 3));
    index.add(session("a", -10, 3));
    expect(windows(index.sessionsOf("a"))).toEqual([
      [0, 3],
      [-10, 3],
      [-5, -1],
    ]);
  });

  it("hands over the sessions of expired segments, by segment of their end, and forgets them", () => {
    const index = new SessionIndex(100);
    index.add(session("a", 0, 50));
    index.add(session("a", 90, 150));
    index.add(session("b", 120, 199));
    index.add(session("b", 250, 250));
    const expired = index.takeBefore(2);
    expect(expired?.map((s) => s.row).sort()).toEqual(["a@0/50", "a@90/150", "b@120/199"]);
    expect(index.sessionsOf("a")).toEqual([]);
    expect(windows(index.sessionsOf("b"))).toEqual([[250, 250]]);
    expect(index.rows).toBe(1);
    expect(index.takeBefore(2)).toEqual([]);
    index.remove("b", 250, 250);
    expect(index.rows).toBe(0);
  });

  it("gives up past its bound: every answer is unknown from then on", () => {
    const index = new SessionIndex(100, 2);
    index.add(session("a", 0, 0));
    index.add(session("b", 0, 0));
    expect(index.complete).toBe(true);
    index.add(session("c", 0, 0));
    expect(index.complete).toBe(false);
    expect(index.sessionsOf("a")).toBeUndefined();
    expect(index.sessionsOf("zzz")).toBeUndefined();
    expect(index.has("a", 0, 0)).toBeUndefined();
    expect(index.takeBefore(5)).toBeUndefined();
    index.add(session("d", 0, 0));
    index.remove("a", 0, 0);
    expect(index.rows).toBe(0);
  });
});
