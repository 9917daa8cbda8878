// The leader's side of the group protocol, as Kafka Streams' StreamsPartitionAssignor:
// decode every member's subscription info, resolve the topology against the partition
// counts the leader sees, run the task assignor, and encode each member's topic
// partitions and assignment info. When the topology cannot be assigned (a source
// topic vanished, co-partitioning broke), every member gets the error instead, so that
// the whole group stops with the same message rather than limping on.
import type { Logger } from "pino";
import type { AssignContext, GroupMemberSubscription, MemberAssignmentPlan } from "../kafka/group-consumer.js";
import type { TopologyData } from "../topology/topology.js";
import { AssignmentErrorCode, decodeSubscriptionInfo, encodeAssignmentInfo } from "./assignment-codec.js";
import type { AssignmentInfo } from "./assignment-codec.js";
import { assignTasks } from "./assignor.js";
import type { MemberState } from "./assignor.js";
import { TopologyMetadata, userSourceTopicsOf } from "./topology-metadata.js";

export interface PartitionAssignorOptions {
  topology: TopologyData;
  applicationId: string;
  deadLetterTopic: string;
  numStandbyReplicas: number;
  logger: Logger;
}

export class StreamsPartitionAssignor {
  constructor(private readonly options: PartitionAssignorOptions) {}

  assign(members: readonly GroupMemberSubscription[], context: AssignContext): MemberAssignmentPlan[] {
    const { topology, applicationId, deadLetterTopic, logger } = this.options;
    let metadata: TopologyMetadata;
    try {
      const counts = new Map<string, number>();
      for (const topic of userSourceTopicsOf(topology)) {
        const n = context.partitionCount(topic);
        if (n !== undefined) counts.set(topic, n);
      }
      metadata = TopologyMetadata.resolve(topology, applicationId, counts, deadLetterTopic);
      for (const sub of metadata.subtopologies) {
        for (const topic of sub.repartitionSourceTopics) {
          const actual = context.partitionCount(topic);
          const expected = metadata.repartitionPartitions(topic);
          if (actual !== expected) {
            throw new Error(
              `repartition topic ${topic} has ${actual ?? "no"} partitions, the topology needs ${expected}`,
            );
          }
        }
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.error({ err: error }, "cannot assign tasks; every member will stop");
      return members.map((m) => ({
        memberId: m.memberId,
        partitions: [],
        userData: encodeAssignmentInfo(errorAssignment(AssignmentErrorCode.INCOMPLETE_SOURCE_TOPIC_METADATA, message)),
      }));
    }

    const states: MemberState[] = members.map((m) => {
      try {
        const info = decodeSubscriptionInfo(m.userData);
        return { memberId: m.memberId, applicationServer: info.applicationServer, taskOffsetSums: info.taskOffsetSums };
      } catch (error) {
        // A member we cannot read still gets work; it just cannot attract tasks by its state.
        logger.warn(
          { err: error, memberId: m.memberId },
          "undecodable subscription info; assigning the member as stateless",
        );
        return { memberId: m.memberId, taskOffsetSums: new Map() };
      }
    });
    const tasks = metadata.tasks();
    const result = assignTasks({
      members: states,
      tasks,
      statefulTasks: new Set(tasks.filter((t) => metadata.isLogged(t))),
      numStandbyReplicas: this.options.numStandbyReplicas,
    });
    logger.info(
      {
        members: members.length,
        tasks: tasks.length,
        assignment: Object.fromEntries(
          [...result.byMember].map(([id, t]) => [id, { active: t.active, standby: t.standby }]),
        ),
      },
      "assigned tasks",
    );
    return members.map((m) => {
      const assigned = result.byMember.get(m.memberId) ?? { active: [], standby: [] };
      return {
        memberId: m.memberId,
        partitions: assigned.active.flatMap((t) => metadata.partitionsOf(t)),
        userData: encodeAssignmentInfo({
          active: assigned.active,
          standby: assigned.standby,
          hostMap: result.hostMap,
          errorCode: AssignmentErrorCode.NONE,
          errorMessage: "",
        }),
      };
    });
  }
}

function errorAssignment(errorCode: AssignmentInfo["errorCode"], errorMessage: string): AssignmentInfo {
  return { active: [], standby: [], hostMap: new Map(), errorCode, errorMessage };
}
