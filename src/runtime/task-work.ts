// An active task's uncommitted work: its processors' overlay over the task's LevelDB and
// their executor, the record collector and the flush on its way to the broker, the
// exactly-once v1 producer, and whether anything was processed since the last commit. It
// is sent here (into the open transaction, or through the idempotent producer under
// at-least-once) and dropped here when a task is suspended or closed dirty: everything
// since the last commit then goes, and the task starts again from what was committed.
import type { Logger } from "pino";
import type { IdempotentProducer } from "../kafka/idempotent-producer.js";
import type { TransactionalProducer } from "../kafka/transactional-producer.js";
import type {
  ConsumedRecord as KafkaConsumedRecord,
  ProducedOffsets,
  ProducedRecord as KafkaProducedRecord,
} from "../kafka/types.js";
import type { TaskOverlay } from "../stores/task-overlay.js";
import type { TaskExecutor } from "../engine/task-executor.js";
import type { TaskId } from "../engine/task-id.js";
import { KafkaRecordCollector } from "./kafka-record-collector.js";
import { InflightFlush } from "./inflight-flush.js";
import type { ReadGate } from "./read-gate.js";
import type { TaskContext } from "./task-context.js";
import { TaskRecordFailures } from "./task-record-failures.js";

export class TaskWork {
  /** The processors' writes since the last commit, over the task's committed storage. */
  overlay: TaskOverlay | undefined;
  executor: TaskExecutor | undefined;
  /** Exactly-once v1 only: the task's own transactional producer. */
  producer: TransactionalProducer | undefined;
  readonly collector: KafkaRecordCollector;
  /** The flush on its way to the broker while processing goes on, and what made a send fail. */
  readonly flush: InflightFlush;
  readonly failures: TaskRecordFailures;
  /** The input record being processed, for the dead letters of the output it makes. */
  current: KafkaConsumedRecord | undefined;
  /** Something was processed (or punctuated) since the last commit. */
  dirty = false;
  /** At-least-once: a background flush made outputs visible; commit at the next tick. */
  commitSoon = false;

  constructor(
    private readonly ctx: TaskContext,
    taskId: TaskId,
    private readonly readGate: ReadGate,
    private readonly logger: Logger,
  ) {
    // A flush is sent in the background while the task goes on (see #sendFull); the
    // producers cut it into produce requests of a size the broker accepts.
    this.collector = new KafkaRecordCollector(
      ctx.topicPartitions,
      () => this.#sendFull(),
      { maxRecords: 2_000, maxBytes: 2 * 1024 * 1024 },
      (record, refusal) => this.failures.refused(record, refusal),
    );
    this.flush = new InflightFlush((records) => this.send(records));
    this.failures = new TaskRecordFailures({
      taskId,
      config: ctx.config,
      deadLetterTopic: ctx.metadata.deadLetterTopic,
      metrics: ctx.metrics,
      logger,
      flush: this.flush,
      sendDeadLetter: (record) => this.collector.send(record),
      current: () => this.current,
    });
  }

  /** Each output topic's max.message.bytes, so that no batch sent goes beyond it. */
  readonly maxBatchBytes = (topic: string): number =>
    this.ctx.topicPartitions.rules(topic)?.maxMessageBytes ?? Number.MAX_SAFE_INTEGER;

  /** The task runs (again) from its committed state: nothing is pending, no failure remembered. */
  started(overlay: TaskOverlay, executor: TaskExecutor): void {
    this.overlay = overlay;
    this.executor = executor;
    this.flush.forget();
    this.dirty = false;
    this.commitSoon = false;
  }

  /** Sends records into the task's transaction, the thread's, or (at-least-once) the instance's idempotent producer. */
  send(records: KafkaProducedRecord[]): Promise<ProducedOffsets[]> {
    if (this.ctx.threadTransaction !== undefined) return this.ctx.threadTransaction.send(records);
    return this.producer
      ? this.producer.send(records, this.maxBatchBytes)
      : (this.ctx.sharedProducer as IdempotentProducer).send(records, this.maxBatchBytes);
  }

  /**
   * The collector is full: send what it holds, in the open transaction, without waiting
   * for the broker, as Kafka's producer sends in the background; processing goes on
   * while at most one flush is in flight. A failed send dooms the transaction: it is
   * remembered and reported by the next record processed, or by the commit.
   */
  async #sendFull(): Promise<void> {
    if (this.flush.error !== undefined) return;
    const records = this.collector.drain();
    const atLeastOnce = !this.producer && this.ctx.threadTransaction === undefined;
    await this.flush.start(
      records,
      // At-least-once: these records are readable as soon as they land, before the state
      // that goes with them is committed; lookups wait for that commit, due at once.
      atLeastOnce
        ? () => {
            this.readGate.close();
            this.commitSoon = true;
          }
        : undefined,
    );
  }

  /**
   * Drops everything since the last commit: the flush in flight is waited for and
   * forgotten, buffered records and the overlay's writes discarded, the processors closed,
   * and the v1 transaction aborted with its producer. The committed storage stays open.
   */
  async drop(): Promise<void> {
    await this.flush.drop();
    this.collector.discard();
    try {
      this.overlay?.discard();
    } catch (error) {
      this.logger.warn({ err: error }, "cannot discard the overlay");
    }
    this.overlay = undefined;
    const executor = this.executor;
    this.executor = undefined;
    await executor?.close().catch((error: unknown) => this.logger.warn({ err: error }, "a processor failed to close"));
    const producer = this.producer;
    this.producer = undefined;
    if (producer) {
      // Aborting frees the partitions' LSO at once; a fenced producer cannot, and need not.
      await producer.abort().catch(() => undefined);
      await producer.close().catch(() => undefined);
    }
    this.dirty = false;
    this.commitSoon = false;
  }
}
