import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafkaClient } from "../../src/kafka/client.js";
import { GroupConsumer } from "../../src/kafka/group-consumer.js";
import type { GroupConsumerHandlers, GroupMemberSubscription, ReceivedAssignment } from "../../src/kafka/group-consumer.js";
import { createTopic, eventually, produce, silentLogger, startTestCluster } from "../integration/support/kafka.js";
import type { TestCluster } from "../integration/support/kafka.js";

interface Member {
  consumer: GroupConsumer;
  name: string;
  assignments: ReceivedAssignment[];
  consumed: Array<{ partition: number; offset: number }>;
  leaderSaw: GroupMemberSubscription[][];
  rebalances: number;
}

function member(cluster: TestCluster, name: string, onAssigned?: (m: Member, a: ReceivedAssignment) => void): Member {
  const kafka = createKafkaClient({ clientId: name, brokers: [cluster.broker.bootstrap], logger: silentLogger });
  const self: Member = { name, assignments: [], consumed: [], leaderSaw: [], rebalances: 0, consumer: undefined as unknown as GroupConsumer };
  const handlers: GroupConsumerHandlers = {
    subscriptionUserData: () => Buffer.from(`meta-${name}`),
    assign: async (members, context) => {
      self.leaderSaw.push(members);
      const count = context.partitionCount("in") ?? 0;
      const ids = members.map((m) => m.memberId).sort();
      return ids.map((memberId, i) => {
        const partitions = Array.from({ length: count }, (_, p) => p).filter((p) => p % ids.length === i);
        return { memberId, partitions: partitions.map((partition) => ({ topic: "in", partition })), userData: Buffer.from(`for:${partitions.join(",")}`) };
      });
    },
    onAssigned: (assignment) => {
      self.assignments.push(assignment);
      onAssigned?.(self, assignment);
    },
    onRebalance: async () => {
      self.rebalances += 1;
    },
    onHeartbeat: () => undefined,
    onBatch: async (batch) => {
      for (const record of batch.records) {
        if (batch.isStale()) return;
        self.consumed.push({ partition: record.partition, offset: record.offset });
        batch.resolve(record.offset);
      }
    },
    onCrash: (error) => {
      throw error;
    },
  };
  self.consumer = new GroupConsumer(
    kafka,
    { groupId: "group", topics: ["in"], sessionTimeoutMs: 6000, heartbeatIntervalMs: 200, rebalanceTimeoutMs: 10_000, maxWaitTimeMs: 100 },
    handlers,
  );
  return self;
}

describe("GroupConsumer", () => {
  let cluster: TestCluster;
  const members: Member[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster();
    await createTopic(cluster.kafka, "in", 4);
    await produce(
      cluster.kafka,
      "in",
      Array.from({ length: 40 }, (_, i) => ({ partition: i % 4, key: `k${i}`, value: `v${i}` })),
    );
  });

  afterAll(async () => {
    for (const m of members) await m.consumer.stop();
    await cluster.close();
  });

  it("carries user data both ways, and pause/seek from onAssigned apply before the first fetch", async () => {
    const a = member(cluster, "a", (self, assignment) => {
      // Hold partition 0 back; start partition 1 at offset 6.
      if (assignment.partitions.some((p) => p.partition === 0)) self.consumer.pause([{ topic: "in", partition: 0 }]);
      if (assignment.partitions.some((p) => p.partition === 1)) self.consumer.seek({ topic: "in", partition: 1, offset: 6 });
    });
    members.push(a);
    await a.consumer.start();
    await eventually(() => (a.consumed.filter((c) => c.partition !== 0).length === 10 + 4 + 10 ? true : undefined));
    expect(a.leaderSaw[0]!.map((m) => m.userData.toString())).toEqual(["meta-a"]);
    const first = a.assignments[0]!;
    expect(first.isLeader).toBe(true);
    expect(first.partitions.map((p) => p.partition).sort()).toEqual([0, 1, 2, 3]);
    expect(first.userData?.toString()).toBe("for:0,1,2,3");
    expect(first.generationId).toBeGreaterThan(0);
    expect(a.consumed.filter((c) => c.partition === 0)).toEqual([]);
    expect(a.consumed.filter((c) => c.partition === 1).map((c) => c.offset)).toEqual([6, 7, 8, 9]);

    a.consumer.resume([{ topic: "in", partition: 0 }]);
    await eventually(() => (a.consumed.filter((c) => c.partition === 0).length === 10 ? true : undefined));
  });

  it("tells an existing member that the group rebalances, and hands each member its own user data", async () => {
    const a = members[0]!;
    const b = member(cluster, "b");
    members.push(b);
    await b.consumer.start();
    await eventually(() => (b.assignments.length > 0 && a.assignments.length > 1 ? true : undefined));
    expect(a.rebalances).toBeGreaterThan(0);
    const leader = [a, b].find((m) => m.leaderSaw.length > 0 && m.leaderSaw.at(-1)!.length === 2)!;
    expect(leader.leaderSaw.at(-1)!.map((m) => m.userData.toString()).sort()).toEqual(["meta-a", "meta-b"]);
    for (const m of [a, b]) {
      const last = m.assignments.at(-1)!;
      const mine = last.partitions.map((p) => p.partition).sort();
      expect(mine).toHaveLength(2);
      expect(last.userData?.toString()).toBe(`for:${mine.join(",")}`);
    }
  });
});
