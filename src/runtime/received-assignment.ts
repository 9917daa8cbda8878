// What one assignment from the group leader gives this member: its active tasks (from the
// partitions it was assigned), its standby tasks and the host map (from Eddy's assignment
// info in the user data), or the error the leader reported instead.
import type { Logger } from "pino";
import type { ReceivedAssignment } from "../kafka/group-consumer.js";
import type { TaskId } from "../engine/task-id.js";
import { AssignmentErrorCode, decodeAssignmentInfo } from "./assignment-codec.js";
import type { HostTasks } from "./assignor.js";
import { AssignmentError } from "./errors.js";
import type { TopologyMetadata } from "./topology-metadata.js";

export interface AssignedTasks {
  readonly active: Set<TaskId>;
  /** Logged tasks only: a standby copies changelogs. */
  readonly standby: TaskId[];
  /** Absent when the assignment info is missing or undecodable: the last one stays. */
  readonly hostMap: Map<string, HostTasks> | undefined;
}

/**
 * The tasks an assignment gives; without readable assignment info, no standbys and no new
 * host map (warned) until the next rebalance.
 */
export function readAssignment(
  assignment: ReceivedAssignment,
  metadata: TopologyMetadata,
  logger: Logger,
): AssignedTasks | AssignmentError {
  let standby: TaskId[] = [];
  let hostMap: Map<string, HostTasks> | undefined;
  if (assignment.userData !== undefined) {
    try {
      const info = decodeAssignmentInfo(assignment.userData);
      if (info.errorCode !== AssignmentErrorCode.NONE) {
        return new AssignmentError(`The group leader could not assign tasks: ${info.errorMessage}`);
      }
      hostMap = info.hostMap;
      standby = info.standby.filter((id) => metadata.isLogged(id));
    } catch (error) {
      logger.warn(
        { err: error },
        "undecodable assignment info; running without standbys and host map until the next rebalance",
      );
    }
  } else {
    logger.warn(
      "assignment arrived without Eddy's assignment info; running without standbys and host map until the next rebalance",
    );
  }
  const active = new Set<TaskId>();
  for (const tp of assignment.partitions) {
    const id = metadata.taskOf(tp);
    if (id !== undefined) active.add(id);
  }
  return { active, standby, hostMap };
}
