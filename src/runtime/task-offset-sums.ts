// The offset sums a member reports to the leader at every join (Kafka Streams'
// TaskManager.getTaskOffsetSums): how much of each task's state it holds, so that the
// assignor can give a task to the instance with the freshest copy. Running active tasks
// count as caught up; standbys by their positions; tasks it no longer runs by the
// checkpoints left on disk.
import type { Logger } from "pino";
import type { TaskId } from "../engine/task-id.js";
import { isTaskId } from "../engine/task-id.js";
import { LevelDbTaskStorage } from "../stores/leveldb-task-storage.js";
import { listTaskDirectories } from "../stores/state-directory.js";
import { RUNNING_ACTIVE_OFFSET_SUM } from "./assignor.js";
import type { StandbyTask } from "./standby-task.js";
import { offsetSum } from "./state-manager.js";
import type { StreamTask } from "./stream-task.js";

/** The offset sums of the checkpoints that task directories left by earlier runs hold (known tasks only). */
export async function readLocalOffsetSums(
  location: { readonly stateDir: string; readonly applicationId: string },
  known: ReadonlySet<TaskId>,
  logger: Logger,
): Promise<Map<TaskId, number>> {
  const { stateDir, applicationId } = location;
  const sums = new Map<TaskId, number>();
  for (const taskId of await listTaskDirectories(stateDir, applicationId)) {
    if (!isTaskId(taskId) || !known.has(taskId)) continue;
    try {
      const checkpoint = await LevelDbTaskStorage.peekCheckpoint({ stateDir, applicationId, taskId });
      if (checkpoint) sums.set(taskId, offsetSum(checkpoint));
    } catch (error) {
      logger.warn({ err: error, taskId }, "cannot read a task's local checkpoint; it will be treated as absent");
    }
  }
  return sums;
}

/** Every task's offset sum: on disk, overridden by a standby's position, overridden by a running active task. */
export function taskOffsetSums(
  onDisk: ReadonlyMap<TaskId, number>,
  standbys: ReadonlyMap<TaskId, StandbyTask>,
  actives: ReadonlyMap<TaskId, StreamTask>,
): Map<TaskId, number> {
  const sums = new Map<TaskId, number>(onDisk);
  for (const [id, standby] of standbys) {
    const sum = standby.offsetSum();
    if (sum !== undefined) sums.set(id, sum);
  }
  for (const [id, task] of actives) {
    if (task.state === "running") sums.set(id, RUNNING_ACTIVE_OFFSET_SUM);
  }
  return sums;
}
