// A member the coordinator forgot must not fetch on outside the group forever. The member's
// only batch handler waits past its session timeout, so the coordinator evicts it; when the
// handler returns, the member's heartbeat answers UNKNOWN_MEMBER_ID, kafkajs clears its member
// id and rejoins, and the connection breaks under that JoinGroup (as it does when the broker
// restarts then). kafkajs gives the join up on that retriable error but goes back to fetching
// with no member id, and its heartbeat then sends nothing: the member must notice and rejoin.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafkaClient } from "../../src/kafka/client.js";
import { ConsumerOutOfGroupError } from "../../src/kafka/errors.js";
import { GroupConsumer } from "../../src/kafka/group-consumer.js";
import type { ReceivedAssignment } from "../../src/kafka/group-consumer.js";
import { startCuttingBroker } from "../integration/support/cutting-proxy.js";
import type { CuttingBroker } from "../integration/support/cutting-proxy.js";
import { createTopic, eventually, produce, silentLogger } from "../integration/support/kafka.js";

const GROUP = "membership-loss";
const TOPIC = "membership-in";
const JOIN_GROUP = 11;

describe("GroupConsumer out of its group", () => {
  let cluster: CuttingBroker;
  let consumer: GroupConsumer | undefined;

  beforeAll(async () => {
    cluster = await startCuttingBroker();
  });

  afterAll(async () => {
    await consumer?.stop().catch(() => undefined);
    await cluster.close();
  });

  it("notices that kafkajs fetches on without a member id, and rejoins once restarted", async () => {
    const kafka = createKafkaClient({ clientId: "forgotten", brokers: [cluster.bootstrap], logger: silentLogger });
    await createTopic(kafka, TOPIC, 1);
    await produce(kafka, TOPIC, [{ partition: 0, key: "k", value: "v" }]);
    const assignments: ReceivedAssignment[] = [];
    const crashes: Error[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let batches = 0;
    const restartUntilRunning = async (): Promise<void> => {
      for (let attempt = 0; attempt < 50; attempt += 1) {
        try {
          await member.restart();
          return;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    };
    const member: GroupConsumer = new GroupConsumer(
      kafka,
      {
        groupId: GROUP,
        topics: [TOPIC],
        sessionTimeoutMs: 3_000,
        heartbeatIntervalMs: 300,
        rebalanceTimeoutMs: 5_000,
        maxWaitTimeMs: 100,
      },
      {
        subscriptionUserData: () => Buffer.alloc(0),
        assign: async (members) =>
          members.map((m, i) => ({
            memberId: m.memberId,
            partitions: i === 0 ? [{ topic: TOPIC, partition: 0 }] : [],
            userData: Buffer.alloc(0),
          })),
        onAssigned: (assignment) => {
          assignments.push(assignment);
        },
        onRebalance: async () => undefined,
        onHeartbeat: () => undefined,
        // The first batch waits (the event loop runs on) until the member has been evicted.
        onBatch: async () => {
          batches += 1;
          if (batches === 1) await held;
        },
        onCrash: (error, willRestart) => {
          crashes.push(error);
          // What the stream thread does for a crash kafkajs does not restart from: restart,
          // with backoff while the broker's connections are still being re-established.
          if (!willRestart) void restartUntilRunning();
        },
      },
    );
    consumer = member;
    await member.start();
    await eventually(() => (batches === 1 ? true : undefined), 30_000, "the first batch handed out");
    expect(assignments).toHaveLength(1);

    const admin = kafka.admin();
    await admin.connect();
    try {
      await eventually(
        async () => ((await admin.describeGroups([GROUP])).groups[0]?.state === "Empty" ? true : undefined),
        30_000,
        "the member evicted",
      );
      // The next JoinGroup is the rejoin that follows the failing heartbeat: it breaks.
      let cut = false;
      void cluster.cutAt(JOIN_GROUP).then(() => (cut = true));
      release();
      await eventually(() => (cut ? true : undefined), 30_000, "the rejoin's JoinGroup cut");
      await eventually(
        () => (crashes.some((e) => e instanceof ConsumerOutOfGroupError) ? true : undefined),
        30_000,
        "the loss of membership noticed",
      );
      await eventually(() => (assignments.length >= 2 ? true : undefined), 30_000, "the member back in the group");
      expect(assignments.at(-1)!.partitions).toEqual([{ topic: TOPIC, partition: 0 }]);
      expect(assignments.at(-1)!.memberId).not.toBe(assignments[0]!.memberId);
      const group = (await admin.describeGroups([GROUP])).groups[0]!;
      expect(group.state).toBe("Stable");
      expect(group.members.map((m) => m.memberId)).toEqual([assignments.at(-1)!.memberId]);
    } finally {
      await admin.disconnect();
    }
  });
});
