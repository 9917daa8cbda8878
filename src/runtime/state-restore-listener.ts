// Kafka Streams' StateRestoreListener: told when a task's store starts restoring, after
// every batch, and at the end. The runtime's restore of active tasks and the global stores'
// restore both report through it.
import type { TaskId } from "../engine/task-id.js";

/** Kafka Streams' StateRestoreListener, with the task named. */
export interface StateRestoreListener {
  onRestoreStart?(event: {
    taskId: TaskId;
    store: string;
    topic: string;
    partition: number;
    startOffset: number;
    endOffset: number;
  }): void;
  onBatchRestored?(event: {
    taskId: TaskId;
    store: string;
    topic: string;
    partition: number;
    batchEndOffset: number;
    numRestored: number;
  }): void;
  onRestoreEnd?(event: {
    taskId: TaskId;
    store: string;
    topic: string;
    partition: number;
    totalRestored: number;
  }): void;
}
