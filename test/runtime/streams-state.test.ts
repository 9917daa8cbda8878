import { describe, expect, it } from "vitest";
import { IllegalStateError } from "../../src/runtime/errors.js";
import { StreamsState, StreamsStateMachine, isLegalTransition } from "../../src/runtime/streams-state.js";

describe("StreamsStateMachine", () => {
  it("follows Kafka Streams' transitions and tells the listener", () => {
    const machine = new StreamsStateMachine();
    const seen: string[] = [];
    machine.setListener((now, before) => seen.push(`${before}->${now}`));
    expect(machine.transition(StreamsState.REBALANCING)).toBe(true);
    expect(machine.transition(StreamsState.RUNNING)).toBe(true);
    expect(machine.transition(StreamsState.RUNNING)).toBe(true);
    expect(machine.transition(StreamsState.REBALANCING)).toBe(true);
    expect(machine.transition(StreamsState.PENDING_SHUTDOWN)).toBe(true);
    expect(machine.transition(StreamsState.RUNNING)).toBe(false);
    expect(machine.transition(StreamsState.NOT_RUNNING)).toBe(true);
    expect(seen).toEqual([
      "CREATED->REBALANCING",
      "REBALANCING->RUNNING",
      "RUNNING->REBALANCING",
      "REBALANCING->PENDING_SHUTDOWN",
      "PENDING_SHUTDOWN->NOT_RUNNING",
    ]);
  });

  it("ends in ERROR only through PENDING_ERROR, and never leaves the terminal states", () => {
    expect(isLegalTransition("RUNNING", "ERROR")).toBe(false);
    expect(isLegalTransition("RUNNING", "PENDING_ERROR")).toBe(true);
    expect(isLegalTransition("PENDING_ERROR", "ERROR")).toBe(true);
    for (const to of Object.values(StreamsState)) {
      expect(isLegalTransition("ERROR", to)).toBe(false);
      expect(isLegalTransition("NOT_RUNNING", to)).toBe(false);
    }
    const machine = new StreamsStateMachine();
    expect(() => machine.require(StreamsState.NOT_RUNNING)).toThrow(IllegalStateError);
  });
});
