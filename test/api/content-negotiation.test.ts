import { describe, expect, it } from "vitest";
import { negotiate } from "../../src/api/content-negotiation.js";

const OFFERED = ["text/plain", "application/json", "text/html"];

describe("negotiate", () => {
  it("picks by quality, then specificity, then the server's order", () => {
    expect(negotiate(undefined, OFFERED)).toBe("text/plain");
    expect(negotiate("*/*", OFFERED)).toBe("text/plain");
    expect(negotiate("application/json", OFFERED)).toBe("application/json");
    expect(negotiate("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", OFFERED)).toBe("text/html");
    expect(negotiate("text/*;q=0.5, application/json;q=0.6", OFFERED)).toBe("application/json");
    expect(negotiate("text/*", OFFERED)).toBe("text/plain");
    expect(negotiate("*/*;q=0.1, text/plain;q=0", OFFERED)).toBe("application/json");
  });

  it("finds nothing acceptable when no offered type matches", () => {
    expect(negotiate("image/png", OFFERED)).toBeUndefined();
    expect(negotiate("text/plain;q=0", ["text/plain"])).toBeUndefined();
  });
});
