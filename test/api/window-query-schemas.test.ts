// How a window or session query reads a time: epoch milliseconds, or ISO 8601 with a zone
// (a date alone is its UTC midnight); anything else is a 400 naming the parameter.
import { describe, expect, it } from "vitest";
import { InvalidTimeRangeError } from "../../src/api/errors.js";
import { TIME_MAX, parseTimeText, windowsQuery } from "../../src/api/window-query-schemas.js";

describe("parseTimeText", () => {
  it("reads epoch milliseconds and ISO 8601 with a zone", () => {
    expect(parseTimeText("s", "from", "0")).toBe(0);
    expect(parseTimeText("s", "from", "1796342400000")).toBe(1796342400000);
    expect(parseTimeText("s", "from", String(TIME_MAX))).toBe(TIME_MAX);
    expect(parseTimeText("s", "from", "2026-12-04T10:00:00Z")).toBe(Date.UTC(2026, 11, 4, 10));
    expect(parseTimeText("s", "from", "2026-12-04T10:00Z")).toBe(Date.UTC(2026, 11, 4, 10));
    expect(parseTimeText("s", "from", "2026-12-04T10:00:00.250+01:00")).toBe(Date.UTC(2026, 11, 4, 9, 0, 0, 250));
    expect(parseTimeText("s", "from", "2026-12-04")).toBe(Date.UTC(2026, 11, 4));
  });

  it("refuses what is not a time, naming the parameter and the forms it takes", () => {
    for (const text of [
      "",
      "-1",
      "1.5",
      "noon",
      "2026-12-04T10:00:00",
      "2026-13-45T10:00Z",
      "12345678901234567",
      " 1",
    ]) {
      let caught: unknown;
      try {
        parseTimeText("hourly", "to", text);
      } catch (error) {
        caught = error;
      }
      expect(caught, JSON.stringify(text)).toBeInstanceOf(InvalidTimeRangeError);
      expect((caught as InvalidTimeRangeError).message).toMatch(
        /^The time range cannot query store "hourly": to ".*" is not a time: send epoch milliseconds/,
      );
      expect((caught as InvalidTimeRangeError).statusCode).toBe(400);
    }
  });

  it("defaults a windows query to oldest first, 100 a page, fresh answers only", () => {
    expect(windowsQuery.parse({})).toMatchObject({ order: "asc", limit: 100, allowStale: false });
    expect(windowsQuery.safeParse({ limit: "1001" }).success).toBe(false);
    expect(windowsQuery.safeParse({ since: "0" }).success).toBe(false);
  });
});
