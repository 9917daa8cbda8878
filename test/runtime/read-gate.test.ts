import { describe, expect, it } from "vitest";
import { ReadGate } from "../../src/runtime/read-gate.js";

const at = (offset: number) => [{ topic: "t", partition: 0, offset }];

describe("ReadGate", () => {
  it("lets reads go at once while open and the bound is reached", () => {
    const gate = new ReadGate();
    gate.open(at(5));
    expect(gate.wait([], 100)).toBeUndefined();
    expect(gate.wait(at(4), 100)).toBeUndefined();
    expect(gate.positionOf("t", 0)).toBe(5);
  });

  it("holds reads while closed and releases them when the store holds the outputs", async () => {
    const gate = new ReadGate();
    gate.open(at(5));
    gate.close();
    const waiting = gate.wait([], 1_000);
    expect(waiting).toBeInstanceOf(Promise);
    gate.open(at(9));
    await expect(waiting).resolves.toEqual({ ready: true });
  });

  it("waits for a position (the offset of the record to reflect) and gives up after the timeout", async () => {
    const gate = new ReadGate();
    gate.open(at(5));
    const reached = gate.wait(at(7), 1_000);
    gate.open(at(7));
    gate.open(at(8));
    await expect(reached).resolves.toEqual({ ready: true });
    const late = await gate.wait(at(20), 50);
    expect(late).toEqual({ ready: false, reason: expect.stringContaining("t-0 is at 8, asked past 20") as string });
  });

  it("lets waiting readers go, not ready, when the task stops", async () => {
    const gate = new ReadGate();
    gate.close();
    const waiting = gate.wait(at(3), 10_000);
    gate.abandon("task 0_0 is closed");
    await expect(waiting).resolves.toEqual({ ready: false, reason: "task 0_0 is closed" });
  });

  it("holds lookups while a task catches up with its input, whatever the commits, until the store gets there", async () => {
    const gate = new ReadGate();
    gate.catchUp(at(10));
    gate.open(at(4));
    expect(gate.catchingUp).toBe(true);
    const waiting = gate.wait([], 1_000);
    expect(waiting).toBeInstanceOf(Promise);
    gate.open(at(9));
    expect(gate.wait([], 1_000)).toBeInstanceOf(Promise);
    gate.open(at(10));
    await expect(waiting).resolves.toEqual({ ready: true });
    expect(gate.catchingUp).toBe(false);
    expect(gate.wait([], 100)).toBeUndefined();
  });

  it("needs no catching up where the store already is, and says where it stands when it times out", async () => {
    const gate = new ReadGate();
    gate.open(at(10));
    gate.catchUp(at(10));
    expect(gate.catchingUp).toBe(false);
    expect(gate.wait([], 100)).toBeUndefined();
    gate.catchUp(at(12));
    const late = await gate.wait([], 50);
    expect(late).toEqual({
      ready: false,
      reason: expect.stringContaining("did not catch up with its input within 50 ms (t-0 is at 10 of 12)") as string,
    });
    gate.abandon("task 0_0 is suspended");
    expect(gate.catchingUp).toBe(false);
  });
});
