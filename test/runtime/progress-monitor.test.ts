// When a task cannot make progress: failures at the same committed offsets in a row, a
// consumer that crashes again and again, a group that keeps rebalancing, each with no task
// committing; and when it can again.
import { describe, expect, it } from "vitest";
import { ProgressMonitor } from "../../src/runtime/progress-monitor.js";

function monitor() {
  let now = 1_000_000;
  const m = new ProgressMonitor(
    { repeatedFailures: 3, consumerCrashes: 2, rebalances: 5, rebalanceWindowMs: 60_000 },
    () => now,
  );
  return { m, advance: (ms: number) => (now += ms) };
}

describe("ProgressMonitor", () => {
  it("names a task that fails at the same committed offsets three times in a row, until it commits", () => {
    const { m, advance } = monitor();
    m.taskFailed("0_1", "account-commands-1@7", "transaction timed out");
    advance(1000);
    m.taskFailed("0_1", "account-commands-1@7", "transaction timed out");
    expect(m.stalled(["0_1", "0_2"])).toEqual([]);
    advance(1000);
    m.taskFailed("0_1", "account-commands-1@7", "producer fenced");
    expect(m.stalled(["0_1", "0_2"])).toEqual([
      {
        taskId: "0_1",
        kind: "repeated-failure",
        reason: "failed 3 times in a row at account-commands-1@7 without committing: producer fenced",
        since: 1_000_000,
      },
    ]);
    m.committed("0_2");
    expect(m.stalled(["0_1", "0_2"]).map((s) => s.taskId)).toEqual(["0_1"]);
    m.committed("0_1");
    expect(m.stalled(["0_1", "0_2"])).toEqual([]);
  });

  it("starts counting again when the failures move to other offsets, and forgets a revoked task", () => {
    const { m } = monitor();
    m.taskFailed("0_1", "t-1@7", "boom");
    m.taskFailed("0_1", "t-1@7", "boom");
    m.taskFailed("0_1", "t-1@9", "boom");
    m.taskFailed("0_1", "t-1@9", "boom");
    expect(m.stalled(["0_1"])).toEqual([]);
    m.taskFailed("0_1", "t-1@9", "boom");
    expect(m.stalled(["0_1"])).toHaveLength(1);
    m.forget("0_1");
    expect(m.stalled([])).toEqual([]);
  });

  it("names every active task when the consumer crashes twice with no commit between", () => {
    const { m } = monitor();
    m.consumerCrashed("Failed to decompress");
    expect(m.stalled(["0_0", "0_1"])).toEqual([]);
    m.consumerCrashed("Failed to decompress again");
    expect(m.stalled(["0_0", "0_1"])).toEqual(
      ["0_0", "0_1"].map((taskId) => ({
        taskId,
        kind: "consumer-crash-loop",
        reason: "the consumer crashed 2 times in a row with no task committing: Failed to decompress again",
        since: 1_000_000,
      })),
    );
    expect(m.stalled([])).toEqual([expect.objectContaining({ taskId: null, kind: "consumer-crash-loop" })]);
    m.committed("0_0");
    expect(m.stalled(["0_0", "0_1"])).toEqual([]);
    // A broker outage the consumer came through: back in the group, nothing to report.
    m.consumerCrashed("Connection error");
    m.consumerCrashed("Connection error");
    expect(m.stalled(["0_0"])).toHaveLength(1);
    m.consumerAlive();
    expect(m.stalled(["0_0"])).toEqual([]);
  });

  it("sees a rebalance loop: five rebalances within the window and no commit; it ends with a commit or the window", () => {
    const { m, advance } = monitor();
    for (let i = 0; i < 4; i += 1) {
      m.rebalanced();
      advance(5_000);
    }
    expect(m.stalled(["0_0"])).toEqual([]);
    m.rebalanced();
    expect(m.stalled(["0_0"])).toEqual([
      {
        taskId: "0_0",
        kind: "rebalance-loop",
        reason: "5 rebalances in the last 60 s with no task committing",
        since: 1_000_000,
      },
    ]);
    // The group settles: the rebalances leave the window.
    advance(60_000);
    expect(m.stalled(["0_0"])).toEqual([]);
    for (let i = 0; i < 5; i += 1) m.rebalanced();
    expect(m.stalled(["0_0"])).toHaveLength(1);
    m.committed("0_0");
    expect(m.stalled(["0_0"])).toEqual([]);
  });
});
