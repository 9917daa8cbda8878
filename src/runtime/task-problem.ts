// Why an active task stopped working, told apart from the error that stopped it: the
// task manager re-initialises a migrated or corrupted task and fails the application on
// a failed one (Kafka Streams' TaskMigratedException, TaskCorruptedException, StreamsException).
import { classifyKafkaError } from "../kafka/errors.js";
import type { ConsumedRecord as KafkaConsumedRecord } from "../kafka/types.js";
import { ProcessorError } from "../engine/processing-errors.js";
import type { TaskId } from "../engine/task-id.js";
import { RecordRefusedError, TaskProcessingError, TaskTimeoutError } from "./errors.js";

/**
 * Why a task stopped working: "migrated" when its producer was fenced (another
 * instance may own it now; re-initialise only once the group confirms this instance
 * still owns it), "corrupted" when its transaction's fate is unknown (re-initialise),
 * "failed" when user code or a fatal error stops the application.
 */
export type TaskProblem = { kind: "migrated" | "corrupted"; error: unknown } | { kind: "failed"; error: Error };

export interface TaskFailure {
  readonly taskId: TaskId;
  readonly error: unknown;
  /** The record being processed, if any. */
  readonly record: KafkaConsumedRecord | undefined;
  /** The failed background send, if any: a processor's error may only be its echo. */
  readonly sendError: unknown;
  /** Exactly-once v2: the stream thread's transaction held the task's work. */
  readonly threadTransaction: boolean;
  readonly taskTimeoutMs: number;
  /** The broker is unreachable: marks when the stall began and says how long it has lasted. */
  stalled(): number;
}

/** What the task's failure means for it, and for the application. */
export function taskProblemOf(failure: TaskFailure): TaskProblem {
  const { error, record, sendError, taskId } = failure;
  const kind = classifyKafkaError(error instanceof ProcessorError && sendError !== undefined ? sendError : error);
  // v2: the group refused this member's offsets (it was rebalanced away, a zombie): the
  // work is lost to the group, as a fenced producer's is (Kafka Streams' TaskMigrated).
  if (kind === "fenced" || (failure.threadTransaction && kind === "rebalance")) return { kind: "migrated", error };
  if (kind === "retriable" || kind === "rebalance") {
    // The broker may come back: re-initialise and retry, for up to taskTimeoutMs.
    const stalledFor = failure.stalled();
    const timeoutMs = failure.taskTimeoutMs;
    return stalledFor < timeoutMs
      ? { kind: "corrupted", error }
      : { kind: "failed", error: new TaskTimeoutError(`Task ${taskId}`, stalledFor, timeoutMs, error) };
  }
  const fatal =
    error instanceof TaskProcessingError || error instanceof ProcessorError || error instanceof RecordRefusedError
      ? error
      : new TaskProcessingError(taskId, record ?? {}, error);
  return { kind: "failed", error: fatal };
}
