// When the stream thread's ticker wakes: at the end of the thread's commit interval when that
// comes before the next beat, so that a commit starts when it falls due, not up to a beat later.
import { describe, expect, it } from "vitest";
import { nextTickInMs } from "../../src/runtime/commit-schedule.js";

const TICK = 50;
const INTERVAL = 100;

describe("nextTickInMs", () => {
  it("wakes when the commit interval ends, when that comes within a tick", () => {
    // The last commit took the tasks' work at 1_000: it falls due at 1_100.
    expect(nextTickInMs(1_060, TICK, 1_000, INTERVAL)).toBe(40);
    expect(nextTickInMs(1_099, TICK, 1_000, INTERVAL)).toBe(1);
  });

  it("keeps the beat while the interval ends later than a tick from now", () => {
    expect(nextTickInMs(1_001, TICK, 1_000, INTERVAL)).toBe(TICK);
    expect(nextTickInMs(1_050, TICK, 1_000, INTERVAL)).toBe(TICK);
  });

  it("keeps the beat once the interval is over (nothing to commit, or a commit put off behind the last)", () => {
    expect(nextTickInMs(1_100, TICK, 1_000, INTERVAL)).toBe(TICK);
    expect(nextTickInMs(5_000, TICK, 1_000, INTERVAL)).toBe(TICK);
  });

  it("keeps the beat without a thread transaction (each task's commit is checked at every tick)", () => {
    expect(nextTickInMs(1_060, TICK, undefined, INTERVAL)).toBe(TICK);
  });

  it("follows the interval configured, however short", () => {
    expect(nextTickInMs(1_000, TICK, 1_000, 10)).toBe(10);
    expect(nextTickInMs(1_000, TICK, 1_000, 0)).toBe(TICK);
  });
});
