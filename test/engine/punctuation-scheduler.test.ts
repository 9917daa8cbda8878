import { describe, expect, it } from "vitest";
import { PunctuationScheduler } from "../../src/engine/punctuation-scheduler.js";

async function fireAt(scheduler: PunctuationScheduler, now: number): Promise<string[]> {
  const fired: string[] = [];
  await scheduler.punctuate(now, async (schedule, time) => {
    fired.push(`${schedule.node}@${time}`);
    await schedule.punctuator(time);
  });
  return fired;
}

describe("PunctuationScheduler", () => {
  it("fires a schedule once it is due, with the current time, then every interval after", async () => {
    const scheduler = new PunctuationScheduler();
    const times: number[] = [];
    scheduler.schedule("p", 10, 0, (time) => {
      times.push(time);
    });
    expect(await fireAt(scheduler, -1)).toEqual([]);
    expect(await fireAt(scheduler, 3)).toEqual(["p@3"]);
    expect(await fireAt(scheduler, 9)).toEqual([]);
    expect(await fireAt(scheduler, 10)).toEqual(["p@10"]);
    expect(times).toEqual([3, 10]);
  });

  it("fires once after a gap and resumes on the schedule's grid, as Kafka Streams' PunctuationSchedule.next()", async () => {
    const scheduler = new PunctuationScheduler();
    scheduler.schedule("p", 10, 0, () => undefined);
    await fireAt(scheduler, 0);
    expect(await fireAt(scheduler, 55)).toEqual(["p@55"]);
    expect(await fireAt(scheduler, 59)).toEqual([]);
    expect(await fireAt(scheduler, 60)).toEqual(["p@60"]);
  });

  it("fires the earliest schedule first, ties in scheduling order, and forgets cancelled ones", async () => {
    const scheduler = new PunctuationScheduler();
    scheduler.schedule("late", 100, 50, () => undefined);
    scheduler.schedule("early-a", 100, 20, () => undefined);
    const cancelled = scheduler.schedule("gone", 100, 10, () => undefined);
    scheduler.schedule("early-b", 100, 20, () => undefined);
    cancelled.cancel();
    expect(scheduler.size).toBe(3);
    expect(await fireAt(scheduler, 50)).toEqual(["early-a@50", "early-b@50", "late@50"]);
  });

  it("refuses intervals under 1 ms", () => {
    const scheduler = new PunctuationScheduler();
    expect(() => scheduler.schedule("p", 0, 0, () => undefined)).toThrow(/at least 1 ms, got 0 \(processor p\)/);
    expect(() => scheduler.schedule("p", Number.NaN, 0, () => undefined)).toThrow(RangeError);
  });
});
