// The first steps of an active task's initialisation, before its stores are restored:
// older owners are fenced (exactly-once v1: InitProducerId of the task's transactional id;
// v2: the thread's producer is registered), then the task reads where the group stands,
// the committed offsets with the partition times and processor metadata committed with
// them (Kafka Streams' initializeTaskTime), and under at-least-once the input end offsets
// an earlier owner may have answered up to. Reads are retried while the broker is
// unreachable, for what remains of taskTimeoutMs.
import type { Logger } from "pino";
import { retryWithBackoff } from "../kafka/backoff.js";
import { classifyKafkaError } from "../kafka/errors.js";
import { TransactionalProducer } from "../kafka/transactional-producer.js";
import type { TopicPartition } from "../kafka/types.js";
import type { TaskId } from "../engine/task-id.js";
import { TaskTimeoutError } from "./errors.js";
import type { TaskContext } from "./task-context.js";
import { startOffsets } from "./task-start-offsets.js";
import { committedTaskTime } from "./topic-partition-metadata.js";
import type { CommittedTaskTime } from "./topic-partition-metadata.js";

export type TaskRetry = <T>(what: string, fn: () => Promise<T>) => Promise<T>;

export interface TaskStartOptions {
  readonly taskId: TaskId;
  readonly partitions: readonly TopicPartition[];
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** How long the task has been failing on an unreachable broker already. */
  stalledFor(): number;
  /** Exactly-once v1: the task's own producer, handed over before it registers (the task closes it). */
  ownProducer(producer: TransactionalProducer): void;
}

export interface TaskStart {
  /** Retries a read for what remains of taskTimeoutMs, then fails with TaskTimeoutError. */
  readonly retry: TaskRetry;
  readonly giveUpAfterMs: number;
  /** The offset to start from, per input partition (by topicPartitionKey). */
  readonly offsets: ReadonlyMap<string, number>;
  /** Where the last owner left off: partition times and processor metadata. */
  readonly committed: CommittedTaskTime;
  /** The offsets the group committed, per input partition (by topicPartitionKey); none where it never did. */
  readonly committedOffsets: ReadonlyMap<string, number>;
  /** At-least-once: the input end offsets (lookups wait until the task caught up with them). */
  readonly ends: ReadonlyMap<string, number> | undefined;
}

export async function startTask(ctx: TaskContext, options: TaskStartOptions): Promise<TaskStart> {
  const { taskId, partitions, logger, signal } = options;
  const giveUpAfterMs = Math.max(0, ctx.config.taskTimeoutMs - options.stalledFor());
  const retry: TaskRetry = async (what, fn) => {
    try {
      return await retryWithBackoff(fn, { what: `${what} (task ${taskId})`, logger, signal, giveUpAfterMs });
    } catch (error) {
      if (signal.aborted || classifyKafkaError(error) !== "retriable") throw error;
      throw new TaskTimeoutError(`Task ${taskId}`, options.stalledFor(), ctx.config.taskTimeoutMs, error);
    }
  };
  const thread = ctx.threadTransaction;
  if (ctx.config.processingGuarantee === "exactly_once") {
    const producer = new TransactionalProducer(ctx.kafka, {
      transactionalId: `${ctx.config.applicationId}-${taskId}`,
      transactionTimeoutMs: ctx.config.transactionTimeoutMs,
      deliveryTimeoutMs: ctx.config.deliveryTimeoutMs,
    });
    options.ownProducer(producer);
    // InitProducerId: from here on an older owner of this task can commit nothing.
    await retry("initializing the transactional producer", () => producer.init());
  } else if (thread !== undefined) {
    await retry("initializing the thread's transactional producer", () => thread.init());
  }
  const start = await startOffsets(partitions, {
    groupId: ctx.groupId,
    admin: ctx.admin,
    reader: ctx.reader,
    metadata: ctx.metadata,
    stable: thread !== undefined,
    retry,
  });
  const committed = committedTaskTime(partitions, start.committed);
  for (const { partition, problem } of committed.problems) {
    logger.warn(
      { topic: partition.topic, partition: partition.partition, problem },
      "the committed offset's metadata is not Kafka Streams' TopicPartitionMetadata: partition time unknown",
    );
  }
  // At-least-once: an earlier owner may have answered records this task is about to
  // process again; lookups wait until it has (read-gate.ts, catchUp).
  const ends =
    ctx.config.processingGuarantee === "at_least_once"
      ? await retry("reading input end offsets", () => ctx.reader.endOffsets(partitions))
      : undefined;
  const committedOffsets = new Map([...start.committed].map(([key, offset]) => [key, offset.offset] as const));
  return { retry, giveUpAfterMs, offsets: start.offsets, committed, committedOffsets, ends };
}
