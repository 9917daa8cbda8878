// Ports of Kafka Streams' TimeWindowsTest, SessionWindowsTest and JoinWindowsTest: sizes,
// gaps and grace periods as given, the values refused, the windows a record falls in,
// and equality (equals(); hashCode has no TypeScript counterpart). The deprecated
// JoinWindows.of()/grace()/until() cases are not here: Eddy has only the KIP-633 API.
import { describe, expect, it } from "vitest";
import { JoinWindows } from "../../../src/topology/dsl/join-windows.js";
import { SessionWindows } from "../../../src/topology/dsl/session-windows.js";
import { TimeWindows } from "../../../src/topology/dsl/time-windows.js";

const ANY_SIZE = 123;
const ANY_OTHER_SIZE = 456;
const ANY_GRACE = 1024;

interface Equatable {
  equals(other: unknown): boolean;
}
const verifyEquality = (a: Equatable, b: Equatable) => {
  expect(a.equals(b)).toBe(true);
  expect(b.equals(a)).toBe(true);
  expect(a.equals(a)).toBe(true);
};
const verifyInEquality = (a: Equatable, b: Equatable) => {
  expect(a.equals(b)).toBe(false);
  expect(b.equals(a)).toBe(false);
};

describe("TimeWindowsTest", () => {
  it("shouldSetWindowSize / shouldSetWindowAdvance", () => {
    expect(TimeWindows.ofSizeWithNoGrace(ANY_SIZE).sizeMs).toBe(ANY_SIZE);
    expect(TimeWindows.ofSizeAndGrace(ANY_SIZE, ANY_GRACE).sizeMs).toBe(ANY_SIZE);
    expect(TimeWindows.ofSizeWithNoGrace(ANY_SIZE).advanceBy(4).advanceMs).toBe(4);
  });

  it("windowSizeMustNotBeZero / Negative", () => {
    expect(() => TimeWindows.ofSizeWithNoGrace(0)).toThrow();
    expect(() => TimeWindows.ofSizeWithNoGrace(-1)).toThrow();
  });

  it("advanceIntervalMustNotBeZero / Negative / LargerThanWindowSize", () => {
    const windowSpec = TimeWindows.ofSizeWithNoGrace(ANY_SIZE);
    expect(() => windowSpec.advanceBy(0)).toThrow();
    expect(() => windowSpec.advanceBy(-1)).toThrow();
    expect(() => windowSpec.advanceBy(ANY_SIZE + 1)).toThrow();
  });

  it("gracePeriodShouldEnforceBoundaries", () => {
    expect(TimeWindows.ofSizeAndGrace(3, 0).gracePeriodMs()).toBe(0);
    expect(() => TimeWindows.ofSizeAndGrace(3, -1)).toThrow();
  });

  it("shouldComputeWindowsForHoppingWindows", () => {
    const matched = TimeWindows.ofSizeWithNoGrace(12).advanceBy(5).windowsFor(21);
    expect(matched.size).toBe(Math.floor(12 / 5) + 1);
    expect(matched.get(10)).toEqual({ start: 10, end: 22 });
    expect(matched.get(15)).toEqual({ start: 15, end: 27 });
    expect(matched.get(20)).toEqual({ start: 20, end: 32 });
  });

  it("shouldComputeWindowsForBarelyOverlappingHoppingWindows", () => {
    const matched = TimeWindows.ofSizeWithNoGrace(6).advanceBy(5).windowsFor(7);
    expect([...matched]).toEqual([[5, { start: 5, end: 11 }]]);
  });

  it("shouldComputeWindowsForTumblingWindows", () => {
    const matched = TimeWindows.ofSizeWithNoGrace(12).windowsFor(21);
    expect([...matched]).toEqual([[12, { start: 12, end: 24 }]]);
  });

  it("equalsAndHashcodeShouldBeValidForPositiveCases", () => {
    verifyEquality(TimeWindows.ofSizeWithNoGrace(3), TimeWindows.ofSizeWithNoGrace(3));
    verifyEquality(TimeWindows.ofSizeWithNoGrace(3).advanceBy(1), TimeWindows.ofSizeWithNoGrace(3).advanceBy(1));
    verifyEquality(TimeWindows.ofSizeAndGrace(3, 4), TimeWindows.ofSizeAndGrace(3, 4));
    verifyEquality(TimeWindows.ofSizeAndGrace(3, 33), TimeWindows.ofSizeAndGrace(3, 33));
  });

  it("equalsAndHashcodeShouldBeValidForNegativeCases", () => {
    verifyInEquality(TimeWindows.ofSizeWithNoGrace(9), TimeWindows.ofSizeWithNoGrace(3));
    verifyInEquality(TimeWindows.ofSizeAndGrace(9, 9), TimeWindows.ofSizeAndGrace(3, 9));
    verifyInEquality(TimeWindows.ofSizeWithNoGrace(3).advanceBy(2), TimeWindows.ofSizeWithNoGrace(3).advanceBy(1));
    verifyInEquality(TimeWindows.ofSizeAndGrace(3, 2), TimeWindows.ofSizeAndGrace(3, 1));
    verifyInEquality(TimeWindows.ofSizeAndGrace(3, 9), TimeWindows.ofSizeAndGrace(3, 4));
    verifyInEquality(TimeWindows.ofSizeAndGrace(4, 2).advanceBy(2), TimeWindows.ofSizeAndGrace(3, 2).advanceBy(2));
    verifyInEquality(TimeWindows.ofSizeAndGrace(3, 2).advanceBy(1), TimeWindows.ofSizeAndGrace(3, 2).advanceBy(2));
    expect(TimeWindows.ofSizeAndGrace(3, 1).advanceBy(2).equals(TimeWindows.ofSizeAndGrace(3, 2).advanceBy(2))).toBe(
      false,
    );
  });
});

describe("SessionWindowsTest", () => {
  it("shouldSetWindowGap", () => {
    expect(SessionWindows.ofInactivityGapWithNoGrace(42).inactivityGap()).toBe(42);
    expect(SessionWindows.ofInactivityGapAndGrace(42, ANY_GRACE).inactivityGap()).toBe(42);
  });

  it("gracePeriodShouldEnforceBoundaries", () => {
    expect(SessionWindows.ofInactivityGapAndGrace(3, 0).gracePeriodMs()).toBe(0);
    expect(() => SessionWindows.ofInactivityGapAndGrace(3, -1)).toThrow();
  });

  it("noGraceAPIShouldNotSetGracePeriod / withGraceAPIShouldSetGracePeriod", () => {
    for (const gap of [3, ANY_SIZE, ANY_OTHER_SIZE]) {
      expect(SessionWindows.ofInactivityGapWithNoGrace(gap).gracePeriodMs()).toBe(0);
      expect(SessionWindows.ofInactivityGapAndGrace(gap, ANY_GRACE).gracePeriodMs()).toBe(ANY_GRACE);
    }
  });

  it("windowSizeMustNotBeNegative / Zero", () => {
    expect(() => SessionWindows.ofInactivityGapWithNoGrace(-1)).toThrow();
    expect(() => SessionWindows.ofInactivityGapWithNoGrace(0)).toThrow();
  });

  it("equalsAndHashcodeShouldBeValidForPositiveCases / NegativeCases", () => {
    verifyEquality(SessionWindows.ofInactivityGapWithNoGrace(1), SessionWindows.ofInactivityGapWithNoGrace(1));
    verifyEquality(SessionWindows.ofInactivityGapAndGrace(1, 11), SessionWindows.ofInactivityGapAndGrace(1, 11));
    verifyInEquality(SessionWindows.ofInactivityGapWithNoGrace(9), SessionWindows.ofInactivityGapWithNoGrace(1));
    verifyInEquality(SessionWindows.ofInactivityGapAndGrace(9, 9), SessionWindows.ofInactivityGapAndGrace(1, 9));
    verifyInEquality(SessionWindows.ofInactivityGapAndGrace(1, 9), SessionWindows.ofInactivityGapAndGrace(1, 6));
  });
});

describe("JoinWindowsTest", () => {
  it("validWindows: before and after may shrink the window down to one point", () => {
    const before = JoinWindows.ofTimeDifferenceWithNoGrace(ANY_OTHER_SIZE)
      .before(ANY_SIZE)
      .before(0)
      .before(-ANY_SIZE)
      .before(-ANY_OTHER_SIZE);
    expect([before.beforeMs, before.afterMs]).toEqual([-ANY_OTHER_SIZE, ANY_OTHER_SIZE]);
    const after = JoinWindows.ofTimeDifferenceWithNoGrace(ANY_OTHER_SIZE)
      .after(ANY_SIZE)
      .after(0)
      .after(-ANY_SIZE)
      .after(-ANY_OTHER_SIZE);
    expect([after.beforeMs, after.afterMs]).toEqual([ANY_OTHER_SIZE, -ANY_OTHER_SIZE]);
  });

  it("beforeShouldNotModifyGrace / afterShouldNotModifyGrace", () => {
    const windows = JoinWindows.ofTimeDifferenceAndGrace(ANY_SIZE, ANY_OTHER_SIZE);
    expect(windows.before(ANY_SIZE * 1000).gracePeriodMs()).toBe(ANY_OTHER_SIZE);
    expect(windows.after(ANY_SIZE * 1000).gracePeriodMs()).toBe(ANY_OTHER_SIZE);
  });

  it("timeDifferenceMustNotBeNegative", () => {
    expect(() => JoinWindows.ofTimeDifferenceWithNoGrace(-1)).toThrow();
    expect(() => JoinWindows.ofTimeDifferenceAndGrace(-1, ANY_GRACE)).toThrow();
  });

  it("endTimeShouldNotBeBeforeStart / startTimeShouldNotBeAfterEnd", () => {
    const windowSpec = JoinWindows.ofTimeDifferenceWithNoGrace(ANY_SIZE);
    expect(() => windowSpec.after(-ANY_SIZE - 1)).toThrow();
    expect(() => windowSpec.before(-ANY_SIZE - 1)).toThrow();
  });

  it("gracePeriodShouldEnforceBoundaries", () => {
    expect(JoinWindows.ofTimeDifferenceAndGrace(3, 0).gracePeriodMs()).toBe(0);
    expect(() => JoinWindows.ofTimeDifferenceAndGrace(3, -1)).toThrow();
  });

  it("noGraceAPIShouldNotSetGracePeriod / withGraceAPIShouldSetGracePeriod", () => {
    for (const difference of [3, ANY_SIZE, ANY_OTHER_SIZE]) {
      expect(JoinWindows.ofTimeDifferenceWithNoGrace(difference).gracePeriodMs()).toBe(0);
      expect(JoinWindows.ofTimeDifferenceAndGrace(difference, ANY_GRACE).gracePeriodMs()).toBe(ANY_GRACE);
    }
  });

  it("equalsAndHashcodeShouldBeValidForPositiveCases", () => {
    const noGrace = (ms: number) => JoinWindows.ofTimeDifferenceWithNoGrace(ms);
    const grace = (ms: number, graceMs: number) => JoinWindows.ofTimeDifferenceAndGrace(ms, graceMs);
    verifyEquality(noGrace(3), noGrace(3));
    verifyEquality(grace(3, 2), grace(3, 2));
    verifyEquality(noGrace(3).after(2), noGrace(3).after(2));
    verifyEquality(noGrace(3).before(2), noGrace(3).before(2));
    verifyEquality(grace(3, 2).after(4), grace(3, 2).after(4));
    verifyEquality(grace(3, 2).before(4), grace(3, 2).before(4));
  });

  it("equalsAndHashcodeShouldBeValidForNegativeCases", () => {
    const noGrace = (ms: number) => JoinWindows.ofTimeDifferenceWithNoGrace(ms);
    const grace = (ms: number, graceMs: number) => JoinWindows.ofTimeDifferenceAndGrace(ms, graceMs);
    verifyInEquality(noGrace(9), noGrace(3));
    verifyInEquality(grace(3, 9), grace(3, 2));
    verifyInEquality(noGrace(3).after(9), noGrace(3).after(2));
    verifyInEquality(noGrace(3).before(9), noGrace(3).before(2));
    verifyInEquality(grace(3, 3).before(9).after(2), grace(3, 3).before(1).after(2));
    verifyInEquality(grace(3, 3).before(1).after(9), grace(3, 3).before(1).after(2));
    verifyInEquality(grace(3, 9).before(1).after(2), grace(3, 3).before(1).after(2));
  });
});
