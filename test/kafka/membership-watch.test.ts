import { describe, expect, it } from "vitest";
import { MembershipWatch } from "../../src/kafka/membership-watch.js";

describe("MembershipWatch", () => {
  it("calls a fetch started a session timeout after the last heartbeat a lost membership", () => {
    const watch = new MembershipWatch(3_000, 0);
    watch.fetchStarted(2_900);
    expect(watch.lost).toBe(false);
    watch.fetchStarted(3_001);
    expect(watch.lost).toBe(true);
    expect(watch.silentFor(3_500)).toBe(3_500);
  });

  it("is reassured by every heartbeat and join, and starts over on a restart", () => {
    const watch = new MembershipWatch(3_000, 0);
    watch.member(2_000);
    watch.fetchStarted(4_000);
    expect(watch.lost).toBe(false);
    watch.fetchStarted(5_500);
    expect(watch.lost).toBe(true);
    watch.member(5_600);
    expect(watch.lost).toBe(false);
    watch.fetchStarted(9_000);
    watch.reset(9_100);
    expect(watch.lost).toBe(false);
  });

  it("does not mistake a long handler, which starts no fetch, for a lost membership", () => {
    const watch = new MembershipWatch(3_000, 0);
    watch.fetchStarted(100);
    // The batch of that fetch is processed for 20 s: no fetch starts meanwhile.
    expect(watch.lost).toBe(false);
    expect(watch.silentFor(20_100)).toBe(20_100);
  });
});
