// Errors of the task executor: what went wrong while processing (user code, a serde on
// the way out, a store a processor may not use) and the bad input that goes to the
// dead-letter topic instead of stopping the task.
import { EddyError } from "../errors/eddy-error.js";
import type { RecordMetadata } from "../topology/record.js";

function where(node: string, taskId: string, metadata: RecordMetadata | undefined): string {
  const record =
    metadata === undefined
      ? "in a punctuation"
      : `on ${metadata.topic}-${metadata.partition} at offset ${metadata.offset}`;
  return `processor ${node} of task ${taskId} ${record}`;
}

/**
 * Code of a processor (user code or a DSL operation's callback), a sink's serde or a
 * topic extractor threw. The task stops; the runtime aborts its transaction, so nothing
 * of the failed record is committed.
 */
export class ProcessorError extends EddyError {
  readonly node: string;
  readonly taskId: string;
  readonly record: RecordMetadata | undefined;

  constructor(node: string, taskId: string, record: RecordMetadata | undefined, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super("EDDY_ERR_PROCESSOR", `Failed in ${where(node, taskId, record)}: ${reason}`, { cause });
    this.node = node;
    this.taskId = taskId;
    this.record = record;
  }
}

/** A record whose timestamp is negative or not a number: it cannot drive stream time. */
export class InvalidTimestampError extends EddyError {
  readonly timestamp: number;

  constructor(timestamp: number, metadata: RecordMetadata, reason?: string, options?: ErrorOptions) {
    super(
      "EDDY_ERR_INVALID_TIMESTAMP",
      `The record on ${metadata.topic}-${metadata.partition} at offset ${metadata.offset} has an invalid timestamp (${timestamp}); ` +
        (reason ??
          "fix its producer (timestamps are milliseconds since the epoch), or give the source a timestampExtractor"),
      options,
    );
    this.timestamp = timestamp;
  }
}

/** A processor asked for a store it is not connected to. */
export class StoreAccessError extends EddyError {
  constructor(node: string, store: string, connected: readonly string[]) {
    super(
      "EDDY_ERR_STORE_ACCESS",
      `Processor ${node} has no access to state store "${store}" (it may use: ${connected.length === 0 ? "none" : connected.join(", ")}); ` +
        `connect it with process(supplier, { stores: ["${store}"] })`,
    );
  }
}

/** A processor forwarded to a child it does not have. */
export class UnknownChildError extends EddyError {
  constructor(node: string, child: string, children: readonly string[]) {
    super(
      "EDDY_ERR_UNKNOWN_CHILD",
      `Processor ${node} forwarded to "${child}", which is not one of its children (${children.length === 0 ? "none" : children.join(", ")})`,
    );
  }
}

/** A record of a topic the task does not read: a bug in whatever feeds the task. */
export class NotASourceTopicError extends EddyError {
  constructor(topic: string, taskId: string, topics: readonly string[]) {
    super("EDDY_ERR_NOT_A_SOURCE_TOPIC", `Task ${taskId} reads ${topics.join(", ")}, not "${topic}"`);
  }
}

/** The executor was used after close(). */
export class TaskClosedError extends EddyError {
  constructor(taskId: string) {
    super("EDDY_ERR_TASK_CLOSED", `Task ${taskId} is closed`);
  }
}
