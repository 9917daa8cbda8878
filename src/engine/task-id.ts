// Task ids, as Kafka Streams writes them: `<subtopology>_<partition>`. A task processes
// one partition of every source topic of its sub-topology (they are co-partitioned),
// owns one LevelDB and, under exactly-once, one transactional producer.

export type TaskId = string;

export interface TaskCoordinates {
  subtopology: number;
  partition: number;
}

const TASK_ID = /^(\d+)_(\d+)$/;

export function taskId(subtopology: number, partition: number): TaskId {
  return `${subtopology}_${partition}`;
}

export function parseTaskId(id: string): TaskCoordinates {
  const match = TASK_ID.exec(id);
  if (!match) throw new RangeError(`"${id}" is not a task id (expected <subtopology>_<partition>)`);
  return { subtopology: Number(match[1]), partition: Number(match[2]) };
}

export function isTaskId(id: string): boolean {
  return TASK_ID.test(id);
}

/** Orders by sub-topology, then partition (numerically: 0_2 before 0_10). */
export function compareTaskIds(a: TaskId, b: TaskId): number {
  const x = parseTaskId(a);
  const y = parseTaskId(b);
  return x.subtopology - y.subtopology || x.partition - y.partition;
}

export function sortTaskIds(ids: Iterable<TaskId>): TaskId[] {
  return [...ids].sort(compareTaskIds);
}
