import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GroupCoordinator, type JoinRequest } from "../../../src/broker/group/group-coordinator.js";
import { ErrorCode } from "../../../src/broker/protocol/error-codes.js";

const SESSION = 1000;
const REBALANCE = 3000;

function coordinator(initialRebalanceDelayMs = 0): GroupCoordinator {
  return new GroupCoordinator({
    minSessionTimeoutMs: 100,
    maxSessionTimeoutMs: 60_000,
    initialRebalanceDelayMs,
    logger: pino({ level: "silent" }),
    now: () => Date.now(),
  });
}

function join(memberId: string, overrides: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: "g",
    memberId,
    groupInstanceId: null,
    requireKnownMemberId: true,
    clientId: "client",
    clientHost: "/127.0.0.1",
    rebalanceTimeoutMs: REBALANCE,
    sessionTimeoutMs: SESSION,
    protocolType: "consumer",
    protocols: [{ name: "range", metadata: Buffer.from(memberId) }],
    ...overrides,
  };
}

/** The MEMBER_ID_REQUIRED round trip, then the real join (which may wait for the rebalance). */
async function joinNew(groups: GroupCoordinator, overrides: Partial<JoinRequest> = {}) {
  const first = await groups.joinGroup(join("", overrides));
  expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  expect(first.memberId).toMatch(/^client-/);
  return { memberId: first.memberId, joined: groups.joinGroup(join(first.memberId, overrides)) };
}

describe("GroupCoordinator", () => {
  let groups: GroupCoordinator;

  beforeEach(() => {
    vi.useFakeTimers();
    groups = coordinator();
  });

  afterEach(() => {
    groups.close();
    vi.useRealTimers();
  });

  it("elects the first member leader and hands it every member's metadata", async () => {
    const a = await joinNew(groups);
    await vi.advanceTimersByTimeAsync(1);
    const result = await a.joined;
    expect(result).toMatchObject({
      errorCode: 0,
      generationId: 1,
      protocolName: "range",
      leader: a.memberId,
      memberId: a.memberId,
    });
    expect(result.members.map((m) => m.memberId)).toEqual([a.memberId]);
    const sync = await groups.syncGroup({
      groupId: "g",
      generationId: 1,
      memberId: a.memberId,
      groupInstanceId: null,
      assignments: new Map([[a.memberId, Buffer.from("all")]]),
    });
    expect(sync).toEqual({ errorCode: 0, assignment: Buffer.from("all") });
    expect(groups.describeGroup("g").state).toBe("Stable");
  });

  it("rebalances when a second member joins and gives members the leader left out an empty assignment", async () => {
    const a = await joinNew(groups);
    await vi.advanceTimersByTimeAsync(1);
    await a.joined;
    await groups.syncGroup({
      groupId: "g",
      generationId: 1,
      memberId: a.memberId,
      groupInstanceId: null,
      assignments: new Map(),
    });
    const b = await joinNew(groups);
    expect(groups.heartbeat("g", a.memberId, null, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const aAgain = groups.joinGroup(join(a.memberId));
    const [resultA, resultB] = await Promise.all([aAgain, b.joined]);
    expect(resultA.generationId).toBe(2);
    expect(resultB.generationId).toBe(2);
    expect(resultA.leader).toBe(a.memberId);
    expect(resultA.members).toHaveLength(2);
    expect(resultB.members).toHaveLength(0);
    const followerSync = groups.syncGroup({
      groupId: "g",
      generationId: 2,
      memberId: b.memberId,
      groupInstanceId: null,
      assignments: new Map(),
    });
    const leaderSync = await groups.syncGroup({
      groupId: "g",
      generationId: 2,
      memberId: a.memberId,
      groupInstanceId: null,
      assignments: new Map([[a.memberId, Buffer.from("a")]]),
    });
    expect(leaderSync.assignment).toEqual(Buffer.from("a"));
    expect((await followerSync).assignment).toEqual(Buffer.alloc(0));
  });

  it("evicts a member whose session expires and rebalances the rest", async () => {
    const a = await joinNew(groups);
    const b = await joinNew(groups);
    await vi.advanceTimersByTimeAsync(1);
    const [ra] = await Promise.all([a.joined, b.joined]);
    const generation = ra.generationId;
    await Promise.all([
      groups.syncGroup({
        groupId: "g",
        generationId: generation,
        memberId: a.memberId,
        groupInstanceId: null,
        assignments: new Map(),
      }),
      groups.syncGroup({
        groupId: "g",
        generationId: generation,
        memberId: b.memberId,
        groupInstanceId: null,
        assignments: new Map(),
      }),
    ]);
    for (let t = 0; t < SESSION * 2; t += SESSION / 4) {
      expect(groups.heartbeat("g", a.memberId, null, generation)).not.toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      await vi.advanceTimersByTimeAsync(SESSION / 4);
    }
    expect(groups.heartbeat("g", b.memberId, null, generation)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(groups.heartbeat("g", a.memberId, null, generation)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoin = await groups.joinGroup(join(a.memberId));
    expect(rejoin).toMatchObject({ errorCode: 0, generationId: generation + 1, leader: a.memberId });
    expect(rejoin.members.map((m) => m.memberId)).toEqual([a.memberId]);
  });

  it("drops members that do not rejoin within the rebalance timeout", async () => {
    const a = await joinNew(groups);
    const b = await joinNew(groups);
    await vi.advanceTimersByTimeAsync(1);
    const [ra] = await Promise.all([a.joined, b.joined]);
    await Promise.all([
      groups.syncGroup({
        groupId: "g",
        generationId: ra.generationId,
        memberId: a.memberId,
        groupInstanceId: null,
        assignments: new Map(),
      }),
      groups.syncGroup({
        groupId: "g",
        generationId: ra.generationId,
        memberId: b.memberId,
        groupInstanceId: null,
        assignments: new Map(),
      }),
    ]);
    // a rejoins (forcing a rebalance as leader); b keeps heartbeating but never rejoins.
    const pending = groups.joinGroup(join(a.memberId));
    let settled = false;
    void pending.then(() => (settled = true));
    for (let elapsed = 0; elapsed < REBALANCE - 500; elapsed += 250) {
      groups.heartbeat("g", b.memberId, null, ra.generationId);
      await vi.advanceTimersByTimeAsync(250);
    }
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(501);
    const result = await pending;
    expect(result.members.map((m) => m.memberId)).toEqual([a.memberId]);
    expect(groups.heartbeat("g", b.memberId, null, ra.generationId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it("forgets a pending member that never comes back with its id", async () => {
    const first = await groups.joinGroup(join(""));
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    await vi.advanceTimersByTimeAsync(SESSION + 1);
    const late = await groups.joinGroup(join(first.memberId));
    expect(late.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it("validates session timeouts, group ids and protocol compatibility", async () => {
    expect((await groups.joinGroup(join("", { sessionTimeoutMs: 50 }))).errorCode).toBe(
      ErrorCode.INVALID_SESSION_TIMEOUT,
    );
    expect((await groups.joinGroup(join("", { groupId: "" }))).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    expect(await groups.joinGroup(join("someone"))).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID });
    const a = await joinNew(groups);
    await vi.advanceTimersByTimeAsync(1);
    await a.joined;
    const other = await groups.joinGroup(
      join("", { protocols: [{ name: "RoundRobinAssigner", metadata: Buffer.alloc(0) }] }),
    );
    expect(other.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it("waits group.initial.rebalance.delay.ms, extended while members keep arriving", async () => {
    groups.close();
    groups = coordinator(500);
    const a = await joinNew(groups);
    let settled = false;
    void a.joined.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(300);
    const b = await joinNew(groups);
    // The first delay ends at 500 ms, but b arrived meanwhile: one more delay, to 1000 ms.
    await vi.advanceTimersByTimeAsync(600);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(101);
    const [ra, rb] = await Promise.all([a.joined, b.joined]);
    expect(ra.generationId).toBe(1);
    expect(rb.generationId).toBe(1);
    expect(ra.members).toHaveLength(2);
  });

  describe("offset commits", () => {
    const exists = () => true;
    const offsets = [{ topic: "t", partition: 0, offset: 42, leaderEpoch: -1, metadata: "m" }];

    it("stores commits of a simple group (generation -1, no member) and refuses them once members exist", async () => {
      expect(
        groups.commitOffsets({ groupId: "g", memberId: "", groupInstanceId: null, generationId: -1, offsets }, exists),
      ).toEqual([0]);
      expect(groups.group("g")!.offsets.get("t", 0)).toMatchObject({ offset: 42, metadata: "m" });
      const a = await joinNew(groups);
      await vi.advanceTimersByTimeAsync(1);
      await a.joined;
      expect(
        groups.commitOffsets({ groupId: "g", memberId: "", groupInstanceId: null, generationId: -1, offsets }, exists),
      ).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    });

    it("checks generation and member, and answers REBALANCE_IN_PROGRESS before the assignment is out", async () => {
      expect(
        groups.commitOffsets(
          { groupId: "nogroup", memberId: "x", groupInstanceId: null, generationId: 3, offsets },
          exists,
        ),
      ).toEqual([ErrorCode.ILLEGAL_GENERATION]);
      const a = await joinNew(groups);
      await vi.advanceTimersByTimeAsync(1);
      await a.joined;
      const commit = (generationId: number, memberId = a.memberId) =>
        groups.commitOffsets({ groupId: "g", memberId, groupInstanceId: null, generationId, offsets }, exists)[0];
      expect(commit(1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      await groups.syncGroup({
        groupId: "g",
        generationId: 1,
        memberId: a.memberId,
        groupInstanceId: null,
        assignments: new Map(),
      });
      expect(commit(1)).toBe(ErrorCode.NONE);
      expect(commit(0)).toBe(ErrorCode.ILLEGAL_GENERATION);
      expect(commit(1, "stranger")).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    });

    it("refuses metadata over 4096 bytes and unknown partitions, per partition", () => {
      const codes = groups.commitOffsets(
        {
          groupId: "g",
          memberId: "",
          groupInstanceId: null,
          generationId: -1,
          offsets: [
            { topic: "t", partition: 0, offset: 1, leaderEpoch: -1, metadata: "x".repeat(4097) },
            { topic: "gone", partition: 0, offset: 1, leaderEpoch: -1, metadata: "" },
            { topic: "t", partition: 1, offset: 1, leaderEpoch: -1, metadata: "" },
          ],
        },
        (topic) => topic === "t",
      );
      expect(codes).toEqual([
        ErrorCode.OFFSET_METADATA_TOO_LARGE,
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        ErrorCode.NONE,
      ]);
    });
  });

  it("deletes only empty groups, and reports unknown groups as Dead", async () => {
    expect(groups.describeGroup("nope")).toMatchObject({ state: "Dead", members: [] });
    expect(groups.deleteGroup("nope")).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    const a = await joinNew(groups);
    await vi.advanceTimersByTimeAsync(1);
    await a.joined;
    expect(groups.deleteGroup("g")).toBe(ErrorCode.NON_EMPTY_GROUP);
    const left = groups.leaveGroup("g", [
      { memberId: a.memberId, groupInstanceId: null },
      { memberId: "ghost", groupInstanceId: null },
    ]);
    expect(left.members.map((m) => m.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(groups.describeGroup("g").state).toBe("Empty");
    expect(groups.deleteGroup("g")).toBe(ErrorCode.NONE);
    expect(groups.listGroups()).toEqual([]);
  });
});
