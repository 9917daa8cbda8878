// Errors of the runtime layer, one class per code. Messages name the thing (topic,
// task, store, offset) and say what to do.
import { EddyError } from "../errors/eddy-error.js";

/** A source topic of the topology does not exist on the cluster. */
export class MissingSourceTopicError extends EddyError {
  readonly topics: readonly string[];

  constructor(topics: readonly string[]) {
    super(
      "EDDY_ERR_MISSING_SOURCE_TOPIC",
      `Source topic(s) ${topics.map((t) => `"${t}"`).join(", ")} do not exist; create them before starting the application.`,
    );
    this.topics = topics;
  }
}

/** Topics that must be co-partitioned (one sub-topology's sources, a join's inputs) have different partition counts. */
export class CopartitioningError extends EddyError {
  readonly partitionCounts: ReadonlyMap<string, number>;

  constructor(message: string, partitionCounts: ReadonlyMap<string, number>) {
    super("EDDY_ERR_COPARTITIONING", message);
    this.partitionCounts = partitionCounts;
  }
}

/** A KafkaStreams method was called in a state that does not allow it. */
export class IllegalStateError extends EddyError {
  constructor(message: string) {
    super("EDDY_ERR_ILLEGAL_STATE", message);
  }
}

/**
 * A record batch of an input topic that no consumer can read: its payload does not
 * decompress, or its records do not parse. Like an undecodable record, it goes to the
 * dead-letter topic (as stored, with its offsets), or stops the task when
 * deserializationExceptionHandler is "fail".
 */
export class UndecodableBatchError extends EddyError {
  readonly topic: string;
  readonly partition: number;
  readonly baseOffset: number;
  readonly lastOffset: number;

  constructor(topic: string, partition: number, baseOffset: number, lastOffset: number, reason: string) {
    super(
      "EDDY_ERR_UNDECODABLE_BATCH",
      `The record batch at offsets ${baseOffset}-${lastOffset} of ${topic}-${partition} cannot be read: ${reason}; ` +
        "its bytes are in the dead-letter topic (fix or replay them from there)",
    );
    this.topic = topic;
    this.partition = partition;
    this.baseOffset = baseOffset;
    this.lastOffset = lastOffset;
  }
}

/** User code (a processor, a punctuator, a serde) threw while a task processed a record. */
export class TaskProcessingError extends EddyError {
  readonly taskId: string;
  readonly topic: string | undefined;
  readonly partition: number | undefined;
  readonly offset: number | undefined;

  constructor(taskId: string, where: { topic?: string; partition?: number; offset?: number }, cause: unknown) {
    const at =
      where.topic === undefined
        ? "in a punctuation"
        : `at ${where.topic}-${where.partition ?? "?"}@${where.offset ?? "?"}`;
    super(
      "EDDY_ERR_TASK_PROCESSING",
      `Task ${taskId} failed ${at}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.taskId = taskId;
    this.topic = where.topic;
    this.partition = where.partition;
    this.offset = where.offset;
  }
}

/** The group leader could not assign tasks (missing topics, co-partitioning); every member stops with this. */
export class AssignmentError extends EddyError {
  constructor(message: string) {
    super("EDDY_ERR_ASSIGNMENT", message);
  }
}

/** A store was asked for that the topology does not have, or that is not queryable here. */
export class StoreNotQueryableError extends EddyError {
  readonly store: string;

  constructor(store: string, message: string) {
    super("EDDY_ERR_STORE_NOT_QUERYABLE", message);
    this.store = store;
  }
}

/**
 * A source topic's partition has no committed offset and its source says
 * autoOffsetReset "none": the application does not guess where to start.
 */
export class NoCommittedOffsetError extends EddyError {
  readonly topic: string;
  readonly partition: number;

  constructor(topic: string, partition: number) {
    super(
      "EDDY_ERR_NO_COMMITTED_OFFSET",
      `Partition ${partition} of input topic "${topic}" has no committed offset and its source's autoOffsetReset is "none": ` +
        'commit an offset for the group (e.g. with kafka-consumer-groups --reset-offsets), or give the source autoOffsetReset "earliest" or "latest"',
    );
    this.topic = topic;
    this.partition = partition;
  }
}

/**
 * An output record its topic's broker would refuse (record-checks.ts). With
 * productionExceptionHandler "fail" (the default, as in Kafka Streams) it stops the
 * task before anything of it is sent; with "continue" the record goes to the
 * dead-letter topic instead and processing goes on.
 */
export abstract class RecordRefusedError extends EddyError {
  readonly topic: string;
  readonly partition: number;

  constructor(code: string, topic: string, partition: number, message: string) {
    super(code, message);
    this.topic = topic;
    this.partition = partition;
  }
}

/** Larger than the topic's max.message.bytes, even alone in a batch (Kafka's RecordTooLargeException). */
export class RecordTooLargeError extends RecordRefusedError {
  constructor(topic: string, partition: number, message: string) {
    super(
      "EDDY_ERR_RECORD_TOO_LARGE",
      topic,
      partition,
      `${message}: make the record smaller, raise the topic's max.message.bytes, or set productionExceptionHandler "continue"`,
    );
  }
}

/** A record the topic refuses as it is: a null key on a compacted topic (Kafka's InvalidRecordException). */
export class InvalidRecordError extends RecordRefusedError {
  constructor(topic: string, partition: number, message: string) {
    super(
      "EDDY_ERR_INVALID_RECORD",
      topic,
      partition,
      `${message}: give the record a key, or set productionExceptionHandler "continue"`,
    );
  }
}

/** A CreateTime timestamp too far from now for the topic (Kafka's InvalidTimestampException). */
export class InvalidRecordTimestampError extends RecordRefusedError {
  constructor(topic: string, partition: number, message: string) {
    super(
      "EDDY_ERR_INVALID_RECORD_TIMESTAMP",
      topic,
      partition,
      `${message}: fix the record's timestamp, or set productionExceptionHandler "continue"`,
    );
  }
}

/**
 * A lookup was bounded by a position on a topic the store's task does not read: its
 * store can never reflect that record (Kafka Streams would never find the bound reached).
 */
export class PositionNotApplicableError extends EddyError {
  readonly topic: string;

  constructor(taskId: string, topic: string, topics: readonly string[]) {
    super(
      "EDDY_ERR_POSITION_NOT_APPLICABLE",
      `Task ${taskId} reads ${topics.join(", ")}, not "${topic}": a position bounds lookups of stores fed by the topic it names (pass the position a command on one of those topics returned)`,
    );
    this.topic = topic;
  }
}

/**
 * A task, or the instance's group consumer, kept failing on a broker it could not reach
 * (or a leader or coordinator it could not find) for longer than taskTimeoutMs, Kafka
 * Streams' task.timeout.ms: the instance gives up.
 */
export class TaskTimeoutError extends EddyError {
  constructor(what: string, stalledMs: number, timeoutMs: number, cause: unknown) {
    super(
      "EDDY_ERR_TASK_TIMEOUT",
      `${what} made no progress for ${Math.round(stalledMs / 1000)} s (taskTimeoutMs is ${timeoutMs}): ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/**
 * Exactly-once v2: this instance's tasks may belong to another member now (it left the group
 * and joined again, a rebalance revoked a task holding uncommitted work), so the thread's open
 * transaction must not commit; every task goes back to its committed state. Kafka Streams'
 * TaskMigratedException. Classified as a rebalance (its `type`), never fatal.
 */
export class TaskMigratedError extends EddyError {
  readonly type = "REBALANCE_IN_PROGRESS";

  constructor(reason: string) {
    super(
      "EDDY_ERR_TASK_MIGRATED",
      `The stream thread's transaction is aborted: ${reason}; its tasks resume from their committed state`,
    );
  }
}
