import { describe, expect, it } from "vitest";
import {
  AssignmentErrorCode,
  decodeAssignmentInfo,
  encodeSubscriptionInfo,
} from "../../src/runtime/assignment-codec.js";
import { RUNNING_ACTIVE_OFFSET_SUM } from "../../src/runtime/assignor.js";
import { StreamsPartitionAssignor } from "../../src/runtime/partition-assignor.js";
import { silentLogger } from "../integration/support/kafka.js";
import { urlVisitTopology } from "../integration/support/topologies.js";

function assignor(numStandbyReplicas = 0) {
  return new StreamsPartitionAssignor({
    topology: urlVisitTopology(),
    applicationId: "app",
    deadLetterTopic: "app-dlq",
    numStandbyReplicas,
    logger: silentLogger,
  });
}

const subscription = (memberId: string, server: string, offsets: Record<string, number> = {}) => ({
  memberId,
  topics: ["visits"],
  userData: encodeSubscriptionInfo({ applicationServer: server, taskOffsetSums: new Map(Object.entries(offsets)) }),
});

describe("StreamsPartitionAssignor", () => {
  it("assigns each task's partitions with the host map and standbys in every member's user data", () => {
    const plans = assignor(1).assign(
      [
        subscription("m1", "a:1", { "0_0": RUNNING_ACTIVE_OFFSET_SUM, "0_1": RUNNING_ACTIVE_OFFSET_SUM }),
        subscription("m2", "b:1", { "0_2": 40 }),
      ],
      { partitionCount: (topic) => (topic === "visits" ? 4 : undefined) },
    );
    const byMember = new Map(
      plans.map((p) => [p.memberId, { partitions: p.partitions, info: decodeAssignmentInfo(p.userData) }]),
    );
    expect(
      byMember
        .get("m1")
        ?.partitions.map((p) => p.partition)
        .sort(),
    ).toEqual([0, 1]);
    expect(
      byMember
        .get("m2")
        ?.partitions.map((p) => p.partition)
        .sort(),
    ).toEqual([2, 3]);
    const m1 = byMember.get("m1")!.info;
    expect(m1.active).toEqual(["0_0", "0_1"]);
    expect(m1.standby).toEqual(["0_2", "0_3"]);
    expect(Object.fromEntries(m1.hostMap)).toEqual({
      "a:1": { active: ["0_0", "0_1"], standby: ["0_2", "0_3"] },
      "b:1": { active: ["0_2", "0_3"], standby: ["0_0", "0_1"] },
    });
    expect(byMember.get("m2")!.info.hostMap).toEqual(m1.hostMap);
  });

  it("sends every member the error when a source topic is gone", () => {
    const plans = assignor().assign([subscription("m1", "a:1"), subscription("m2", "b:1")], {
      partitionCount: () => undefined,
    });
    for (const plan of plans) {
      expect(plan.partitions).toEqual([]);
      const info = decodeAssignmentInfo(plan.userData);
      expect(info.errorCode).toBe(AssignmentErrorCode.INCOMPLETE_SOURCE_TOPIC_METADATA);
      expect(info.errorMessage).toMatch(/"visits"/);
    }
  });

  it("still assigns a member whose subscription it cannot read", () => {
    const plans = assignor().assign(
      [subscription("m1", "a:1"), { memberId: "m2", topics: ["visits"], userData: Buffer.from([0, 9]) }],
      { partitionCount: () => 2 },
    );
    expect(plans.map((p) => p.partitions.length).sort()).toEqual([1, 1]);
  });
});
