import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafkaClient } from "../../src/kafka/client.js";
import { GroupConsumer } from "../../src/kafka/group-consumer.js";
import type {
  GroupConsumerHandlers,
  GroupMemberSubscription,
  ReceivedAssignment,
} from "../../src/kafka/group-consumer.js";
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
  const kafka = createKafkaClient({ clientId: name, brokers: [cluster.bootstrap], logger: silentLogger });
  const self: Member = {
    name,
    assignments: [],
    consumed: [],
    leaderSaw: [],
    rebalances: 0,
    consumer: undefined as unknown as GroupConsumer,
  };
  const handlers: GroupConsumerHandlers = {
    subscriptionUserData: () => Buffer.from(`meta-${name}`),
    assign: async (members, context) => {
      self.leaderSaw.push(members);
      const count = context.partitionCount("in") ?? 0;
      const ids = members.map((m) => m.memberId).sort();
      return ids.map((memberId, i) => {
        const partitions = Array.from({ length: count }, (_, p) => p).filter((p) => p % ids.length === i);
        return {
          memberId,
          partitions: partitions.map((partition) => ({ topic: "in", partition })),
          userData: Buffer.from(`for:${partitions.join(",")}`),
        };
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
    {
      groupId: "group",
      topics: ["in"],
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 200,
      rebalanceTimeoutMs: 10_000,
      maxWaitTimeMs: 100,
    },
    handlers,
  );
  return self;
}

describe("GroupConsumer", () => {
  let cluster: TestCluster;
  const members: Member[] = [];
  /** Each partition's end offset: a plain producer's retry under load may have written a batch twice. */
  const ends: number[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster();
    await createTopic(cluster.kafka, "in", 4);
    await produce(
      cluster.kafka,
      "in",
      Array.from({ length: 40 }, (_, i) => ({ partition: i % 4, key: `k${i}`, value: `v${i}` })),
    );
    const admin = cluster.kafka.admin();
    await admin.connect();
    try {
      for (const { partition, high } of await admin.fetchTopicOffsets("in")) ends[partition] = Number(high);
    } finally {
      await admin.disconnect();
    }
  });

  afterAll(async () => {
    for (const m of members) await m.consumer.stop();
    await cluster.close();
  });

  it("carries user data both ways, and pause/seek from onAssigned apply before the first fetch", async () => {
    const a = member(cluster, "a", (self, assignment) => {
      // Hold partition 0 back; start partition 1 at offset 6.
      if (assignment.partitions.some((p) => p.partition === 0)) self.consumer.pause([{ topic: "in", partition: 0 }]);
      if (assignment.partitions.some((p) => p.partition === 1))
        self.consumer.seek({ topic: "in", partition: 1, offset: 6 });
    });
    members.push(a);
    await a.consumer.start();
    // Distinct records: should the group rebalance once more (Apache Kafka may), the member
    // reads again from its uncommitted start, through the same pause and seek.
    const distinct = (records: Array<{ partition: number; offset: number }>) =>
      new Set(records.map((c) => `${c.partition}@${c.offset}`)).size;
    // A busy machine and Apache Kafka's join (its first rebalance may be followed by another)
    // can take longer than the default 20 s.
    await eventually(
      () =>
        distinct(a.consumed.filter((c) => c.partition !== 0)) === ends[1]! - 6 + ends[2]! + ends[3]! ? true : undefined,
      60_000,
      "partitions 1 (from offset 6), 2 and 3 read, with partition 0 paused",
    );
    expect(a.leaderSaw[0]!.map((m) => m.userData.toString())).toEqual(["meta-a"]);
    const first = a.assignments[0]!;
    expect(first.isLeader).toBe(true);
    expect(first.partitions.map((p) => p.partition).sort()).toEqual([0, 1, 2, 3]);
    expect(first.userData?.toString()).toBe("for:0,1,2,3");
    expect(first.generationId).toBeGreaterThan(0);
    expect(a.consumed.filter((c) => c.partition === 0)).toEqual([]);
    expect([...new Set(a.consumed.filter((c) => c.partition === 1).map((c) => c.offset))]).toEqual(
      Array.from({ length: ends[1]! - 6 }, (_, i) => 6 + i),
    );

    a.consumer.resume([{ topic: "in", partition: 0 }]);
    await eventually(
      () => (distinct(a.consumed.filter((c) => c.partition === 0)) === ends[0] ? true : undefined),
      60_000,
      "partition 0 read once resumed",
    );
  });

  it("tells an existing member that the group rebalances, and hands each member its own user data", async () => {
    const a = members[0]!;
    const b = member(cluster, "b");
    members.push(b);
    await b.consumer.start();
    await eventually(() => (b.assignments.length > 0 && a.assignments.length > 1 ? true : undefined));
    expect(a.rebalances).toBeGreaterThan(0);
    const leader = [a, b].find((m) => m.leaderSaw.length > 0 && m.leaderSaw.at(-1)!.length === 2)!;
    expect(
      leader.leaderSaw
        .at(-1)!
        .map((m) => m.userData.toString())
        .sort(),
    ).toEqual(["meta-a", "meta-b"]);
    for (const m of [a, b]) {
      const last = m.assignments.at(-1)!;
      const mine = last.partitions.map((p) => p.partition).sort();
      expect(mine).toHaveLength(2);
      expect(last.userData?.toString()).toBe(`for:${mine.join(",")}`);
    }
  });

  it("sees only committed records across aborted transactions, and moves past the markers", async () => {
    await createTopic(cluster.kafka, "txn-in", 1);
    const producer = cluster.kafka.producer({
      transactionalId: "txn-writer",
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const write = async (values: string[], commit: boolean) => {
      const txn = await producer.transaction();
      await txn.send({ topic: "txn-in", messages: values.map((value) => ({ key: value, value, partition: 0 })) });
      if (commit) await txn.commit();
      else await txn.abort();
    };
    await write(["c1", "c2"], true);
    await write(["a1", "a2"], false);
    await write(["c3"], true);
    await write(["a3"], false);
    await producer.disconnect();

    const kafka = createKafkaClient({
      clientId: "txn-reader",
      brokers: [cluster.bootstrap],
      logger: silentLogger,
    });
    const seen: Array<{ value: string; offset: number }> = [];
    const consumer = new GroupConsumer(
      kafka,
      {
        groupId: "txn-group",
        topics: ["txn-in"],
        sessionTimeoutMs: 6000,
        heartbeatIntervalMs: 200,
        rebalanceTimeoutMs: 10_000,
        maxWaitTimeMs: 100,
      },
      {
        subscriptionUserData: () => Buffer.alloc(0),
        assign: async (members) =>
          members.map((m, i) => ({
            memberId: m.memberId,
            partitions: i === 0 ? [{ topic: "txn-in", partition: 0 }] : [],
            userData: Buffer.alloc(0),
          })),
        onAssigned: () => undefined,
        onRebalance: async () => undefined,
        onHeartbeat: () => undefined,
        onBatch: async (batch) => {
          for (const record of batch.records) {
            seen.push({ value: record.value?.toString() ?? "", offset: record.offset });
            batch.resolve(record.offset);
          }
        },
        onCrash: (error) => {
          throw error;
        },
      },
    );
    await consumer.start();
    await eventually(() => (seen.length >= 3 ? true : undefined));
    // Markers and aborted records take offsets: c1 c2 C a1 a2 A c3 C a3 A.
    expect(seen).toEqual([
      { value: "c1", offset: 0 },
      { value: "c2", offset: 1 },
      { value: "c3", offset: 6 },
    ]);
    // The consumer's position went past the trailing aborted batch and its marker.
    const again = cluster.kafka.producer({ transactionalId: "txn-writer", idempotent: true, maxInFlightRequests: 1 });
    await again.connect();
    const txn = await again.transaction();
    await txn.send({ topic: "txn-in", messages: [{ key: "c4", value: "c4", partition: 0 }] });
    await txn.commit();
    await again.disconnect();
    await eventually(() => (seen.length >= 4 ? true : undefined));
    expect(seen[3]).toEqual({ value: "c4", offset: 10 });
    await consumer.stop();
  });
});
