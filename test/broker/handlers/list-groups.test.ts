// ListGroups at the protocol level: v0-v2 list groups with their protocol type, v3 is
// flexible, v4 adds each group's state and a filter on states (compared case-insensitively).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../../src/broker/index.js";
import { Api } from "../../../src/broker/protocol/apis.js";
import { RawClient } from "../support/raw-client.js";

describe("ListGroups", () => {
  let broker: RunningBroker;
  let client: RawClient;

  beforeAll(async () => {
    broker = await startBroker({ defaultPartitions: 1 });
    client = await RawClient.connect(broker.bootstrap);
    await client.request(Api.metadata, 6, { topics: [{ name: "listed" }], allowAutoTopicCreation: true });
    // A simple group (offsets only, no members): Empty.
    const commit = await client.request(Api.offsetCommit, 5, {
      groupId: "offsets-only",
      generationIdOrMemberEpoch: -1,
      memberId: "",
      topics: [{ name: "listed", partitions: [{ partitionIndex: 0, committedOffset: 3, committedMetadata: null }] }],
    });
    expect(commit.topics[0]!.partitions[0]!.errorCode).toBe(0);
  });

  afterAll(async () => {
    client.close();
    await broker.close();
  });

  it("lists groups without their state before v4", async () => {
    const listed = await client.request(Api.listGroups, 2, {});
    // (The decoder fills the v4-only field with its default: nothing of it was on the wire.)
    expect(listed.groups).toEqual([{ groupId: "offsets-only", protocolType: "", groupState: "" }]);
  });

  it("answers each group's state from v4, filtered by the states asked for", async () => {
    const all = await client.request(Api.listGroups, 4, { statesFilter: [] });
    expect(all.groups).toEqual([{ groupId: "offsets-only", protocolType: "", groupState: "Empty" }]);
    const empty = await client.request(Api.listGroups, 4, { statesFilter: ["empty"] });
    expect(empty.groups.map((g) => g.groupId)).toEqual(["offsets-only"]);
    const stable = await client.request(Api.listGroups, 4, { statesFilter: ["Stable"] });
    expect(stable.groups).toEqual([]);
    const flexible = await client.request(Api.listGroups, 3, {});
    expect(flexible.groups).toEqual([{ groupId: "offsets-only", protocolType: "", groupState: "" }]);
  });
});
