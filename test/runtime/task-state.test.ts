import { describe, expect, it } from "vitest";
import { TaskState, TaskStateMachine, isLegalTaskTransition } from "../../src/runtime/task-state.js";
import { IllegalStateError } from "../../src/runtime/errors.js";

describe("a stream task's lifecycle", () => {
  it("goes created -> restoring -> running -> suspended -> restoring -> running -> closed", () => {
    const task = new TaskStateMachine("0_1");
    expect(task.state).toBe(TaskState.CREATED);
    for (const to of ["restoring", "running", "suspended", "restoring", "running", "closed"] as const) {
      task.moveTo(to);
      expect(task.state).toBe(to);
    }
  });

  it("refuses an illegal move with the task, the state and the target named, and stays where it was", () => {
    const task = new TaskStateMachine("1_3");
    expect(() => task.moveTo("running")).toThrow(IllegalStateError);
    expect(() => task.moveTo("running")).toThrow("Task 1_3 cannot go from created to running");
    expect(task.state).toBe("created");
  });

  it("lets a failed task only close, and a closed task nowhere", () => {
    const task = new TaskStateMachine("0_0");
    task.moveTo("restoring");
    task.moveTo("failed");
    for (const to of ["created", "restoring", "running", "suspended", "failed"] as const) {
      expect(isLegalTaskTransition("failed", to)).toBe(false);
    }
    task.moveTo("closed");
    for (const to of Object.values(TaskState)) expect(isLegalTaskTransition("closed", to)).toBe(false);
  });

  it("never runs without restoring first, and never restores once running", () => {
    for (const from of Object.values(TaskState)) {
      expect(isLegalTaskTransition(from, "running")).toBe(from === "restoring");
    }
    expect(isLegalTaskTransition("running", "restoring")).toBe(false);
  });
});
