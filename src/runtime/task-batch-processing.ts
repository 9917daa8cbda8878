// An active task's processing loop over one fetched batch of one input partition
// [StreamTask.process]: records from the task's position on go through the executor, one
// at a time; records it cannot read or process go to the task's record failures; the
// commit interval (and context.commit()) is honoured between records and after the batch, as
// Kafka Streams checks it, so that transactions stay short; and the loop lets the event loop breathe.
import type { ConsumedBatch } from "../kafka/group-consumer.js";
import type { ConsumedRecord as KafkaConsumedRecord } from "../kafka/types.js";
import { topicPartitionKey } from "../kafka/types.js";
import type { ProcessOutcome, TaskExecutor } from "../engine/task-executor.js";
import type { TaskCommitter } from "./task-commit.js";
import type { TaskContext } from "./task-context.js";
import type { TaskPositions } from "./task-positions.js";
import type { TaskWork } from "./task-work.js";

/**
 * How long a task processes before it lets I/O callbacks run. Several tasks process
 * concurrently, so the event loop polls once every few of these: kept short, because
 * every round trip of a commit (produce, AddOffsetsToTxn, TxnOffsetCommit, EndTxn, the
 * LevelDB write) waits for a poll, and a task does not process while it commits.
 */
const YIELD_EVERY_MS = 1;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface BatchProcessing {
  readonly ctx: TaskContext;
  readonly positions: TaskPositions;
  readonly work: TaskWork;
  /** When the commit interval started, and the commit (under v2 the thread's, which ends in the background). */
  readonly committer: Pick<TaskCommitter, "due" | "commit">;
}

export interface BatchOutcome {
  /** The offset of the last record processed, -1 when none was. */
  readonly last: number;
  readonly processed: number;
  /** What stopped the loop, and the record it happened on. */
  readonly failure?: { readonly error: unknown; readonly record: KafkaConsumedRecord | undefined };
}

/** Processes `batch` from the task's position on; a failure ends the loop and is returned, not thrown. */
export async function processBatch(batch: ConsumedBatch, task: BatchProcessing): Promise<BatchOutcome> {
  const { ctx, positions, work } = task;
  const key = topicPartitionKey(batch);
  positions.fetched(key, batch.highWatermark);
  let position = positions.position(key);
  let last = -1;
  let processed = 0;
  let current: KafkaConsumedRecord | undefined;
  const executor = work.executor as TaskExecutor;
  let lastYield = Date.now();
  let complete = true;
  if (ctx.partitionerCheck?.checks(batch.topic) === true) {
    ctx.partitionerCheck.check(batch.topic, batch.partition, batch.records, position);
  }
  const records = batch.records;
  try {
    // Indexed, not for-of: this async function's iterator made a result object per record.
    for (let i = 0; i < records.length; i += 1) {
      const record = records[i] as KafkaConsumedRecord;
      // A seek pending for the partition (set between fetches) makes the rest of the batch stale.
      if ((processed & 255) === 0 && batch.isStale()) {
        complete = false;
        break;
      }
      // A batch fetched before a seek can start below the position: never process twice.
      if (record.offset < position) continue;
      current = record;
      work.current = record;
      let outcome: ProcessOutcome | undefined;
      if (record.undecodable !== undefined) {
        await work.failures.undecodableBatch(record, record.undecodable);
      } else {
        try {
          const result = executor.processNow(record);
          outcome = result instanceof Promise ? await result : result;
        } catch (error) {
          await work.failures.processorFailed(record, error);
        }
      }
      if (outcome !== undefined && outcome.status !== "processed") await work.failures.unprocessed(record, outcome);
      position = record.offset + 1;
      last = record.offset;
      processed += 1;
      work.dirty = true;
      positions.advance(key, position);
      ctx.metrics.recordsProcessed += 1;
      if (work.flush.error !== undefined) throw work.flush.error;
      if (executor.takeCommitRequest()) {
        // context.commit(): this record's work is committed now, not at the next interval.
        await task.committer.commit({ inBackground: true });
        lastYield = Date.now();
      } else if ((processed & 31) === 0) {
        const now = Date.now();
        // A batch can hold a MiB of records: the commit interval is honoured within it,
        // as Kafka Streams checks it between records, so transactions stay short.
        if (task.committer.due(now)) {
          await task.committer.commit({ inBackground: true });
          lastYield = Date.now();
        } else if (now - lastYield >= YIELD_EVERY_MS) {
          // Records whose stores answer from memory are processed in one chain of
          // microtasks, which would starve the sockets: let the event loop breathe, so
          // that produce responses and the commit ending meanwhile are not held up.
          await yieldToEventLoop();
          lastYield = Date.now();
        }
      }
    }
    // Markers and aborted records after the last record need no processing.
    if (complete && batch.lastOffset >= position) positions.clearTo(key, batch.lastOffset + 1);
    // After every batch too, as Kafka Streams checks after each poll's records: a steady
    // trickle comes in batches of a few records, whose commit would otherwise wait for the
    // thread's next tick, up to a tick past the interval.
    if (work.dirty && task.committer.due(Date.now())) await task.committer.commit({ inBackground: true });
  } catch (error) {
    return { last, processed, failure: { error, record: current } };
  }
  return { last, processed };
}
