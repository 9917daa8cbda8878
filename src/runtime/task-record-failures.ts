// What an active task does with a record it cannot process, and with an output record
// its topic would refuse: the record goes to the dead-letter topic and processing goes
// on, or the task fails, as the exception handlers in the config say
// [DeserializationExceptionHandler, ProcessingExceptionHandler, ProductionExceptionHandler].
import type { Logger } from "pino";
import type { ResolvedStreamsConfig } from "../config/streams-config.js";
import { classifyKafkaError } from "../kafka/errors.js";
import type {
  ConsumedRecord as KafkaConsumedRecord,
  ProducedRecord as KafkaProducedRecord,
  UndecodableBatch,
} from "../kafka/types.js";
import type { EddyError } from "../errors/eddy-error.js";
import type { ConsumedRecord } from "../engine/consumed-record.js";
import type { ProducedRecord } from "../engine/record-collector.js";
import { deadLetterRecord, refusedRecordDeadLetter, undecodableBatchDeadLetter } from "../engine/dead-letter.js";
import { ProcessorError } from "../engine/processing-errors.js";
import type { InvalidTimestampError } from "../engine/processing-errors.js";
import type { ProcessOutcome } from "../engine/task-executor.js";
import type { TaskId } from "../engine/task-id.js";
import type { DeserializationError } from "../serdes/errors.js";
import {
  InvalidRecordError,
  InvalidRecordTimestampError,
  RecordTooLargeError,
  TaskProcessingError,
  UndecodableBatchError,
} from "./errors.js";
import type { InflightFlush } from "./inflight-flush.js";
import type { StreamsMetrics } from "./metrics.js";
import type { Refusal } from "./record-checks.js";

export interface TaskRecordFailuresOptions {
  readonly taskId: TaskId;
  readonly config: Pick<
    ResolvedStreamsConfig,
    "applicationId" | "deserializationExceptionHandler" | "processingExceptionHandler" | "productionExceptionHandler"
  >;
  readonly deadLetterTopic: string;
  readonly metrics: StreamsMetrics;
  readonly logger: Logger;
  /** The failed send or refused record that dooms the task's work, if any; a refusal under "fail" is put there. */
  readonly flush: Pick<InflightFlush, "error" | "fail">;
  /** A dead letter joins the task's outputs (and its transaction) like any output. */
  sendDeadLetter(record: ProducedRecord): void | Promise<void>;
  /** The input record being processed, for the dead letters of the output it makes. */
  current(): KafkaConsumedRecord | undefined;
}

export class TaskRecordFailures {
  constructor(private readonly options: TaskRecordFailuresOptions) {}

  /**
   * User code failed and the config says to go on: not when the failure is a send that
   * failed inside a processor's forward() (it surfaces as that processor's error).
   */
  continuesAfter(error: unknown): error is ProcessorError {
    return (
      error instanceof ProcessorError &&
      this.options.config.processingExceptionHandler === "continue-and-dead-letter" &&
      !this.#isKafkaFailure(error)
    );
  }

  /** User code failed on `record`: dead-lettered when the config says to continue, otherwise rethrown. */
  async processorFailed(record: ConsumedRecord, error: unknown): Promise<void> {
    if (!this.continuesAfter(error)) throw error;
    this.options.logger.error(
      { err: error, topic: record.topic, partition: record.partition, offset: record.offset },
      "processing failed; the record goes to the dead-letter topic and processing continues",
    );
    await this.#deadLetter(record, error);
  }

  /** A record the executor did not process: unreadable (dead-lettered, or the task fails) or skipped (logged). */
  async unprocessed(record: ConsumedRecord, outcome: Exclude<ProcessOutcome, { status: "processed" }>): Promise<void> {
    if (outcome.status === "dead-letter") return this.#unreadable(record, outcome.error);
    this.options.metrics.droppedRecords += 1;
    this.options.logger.warn(
      { topic: record.topic, partition: record.partition, offset: record.offset, extracted: outcome.timestamp },
      "skipping record due to negative extracted timestamp",
    );
  }

  /**
   * An output record its topic would refuse. "fail" (Kafka Streams' default): the task
   * stops, as after a failed send, before anything of the transaction is committed.
   * "continue": the record goes to the dead-letter topic instead and processing goes on.
   */
  refused(record: KafkaProducedRecord, refusal: Refusal): void | Promise<void> {
    const { taskId, config, metrics, logger } = this.options;
    const source = this.options.current();
    const message =
      source === undefined
        ? `${refusal.message} (written by task ${taskId})`
        : `${refusal.message} (written by task ${taskId} for ${source.topic}-${source.partition}@${source.offset})`;
    const error =
      refusal.reason === "RECORD_TOO_LARGE"
        ? new RecordTooLargeError(record.topic, record.partition, message)
        : refusal.reason === "INVALID_RECORD"
          ? new InvalidRecordError(record.topic, record.partition, message)
          : new InvalidRecordTimestampError(record.topic, record.partition, message);
    const where = { topic: record.topic, partition: record.partition, reason: refusal.reason };
    // A dead letter the dead-letter topic would refuse stops the task: there is nowhere else to put it.
    if (config.productionExceptionHandler === "fail" || record.topic === this.options.deadLetterTopic) {
      this.options.flush.fail(error);
      return;
    }
    metrics.refusedRecords += 1;
    metrics.deadLetterRecords += 1;
    logger.warn(
      { ...where, inputTopic: source?.topic, inputPartition: source?.partition, inputOffset: source?.offset },
      "the output record would be refused by its topic; it goes to the dead-letter topic and processing continues",
    );
    const letter = refusedRecordDeadLetter(
      config.applicationId,
      taskId,
      { ...record, headers: record.headers ?? [], timestamp: record.timestamp ?? Date.now() },
      source,
      error,
      refusal.reason !== "RECORD_TOO_LARGE",
      Date.now(),
    );
    return this.options.sendDeadLetter(letter);
  }

  /**
   * A batch the consumer could not read (it stands in the batch as one entry at its last
   * offset): dead-lettered as stored, with its offsets, as an undecodable record is; or the
   * task fails when the deserialization handler says so.
   */
  async undecodableBatch(entry: KafkaConsumedRecord, batch: UndecodableBatch): Promise<void> {
    const { taskId, config } = this.options;
    const error = new UndecodableBatchError(
      entry.topic,
      entry.partition,
      batch.baseOffset,
      batch.lastOffset,
      batch.reason,
    );
    if (config.deserializationExceptionHandler === "fail") throw new TaskProcessingError(taskId, entry, error);
    this.options.metrics.deadLetterRecords += 1;
    this.options.logger.error(
      {
        topic: entry.topic,
        partition: entry.partition,
        baseOffset: batch.baseOffset,
        lastOffset: batch.lastOffset,
        reason: batch.reason,
      },
      "a record batch cannot be read; it goes to the dead-letter topic and processing continues",
    );
    await this.options.sendDeadLetter(
      undecodableBatchDeadLetter(
        config.applicationId,
        taskId,
        { ...entry, baseOffset: batch.baseOffset, lastOffset: batch.lastOffset },
        error,
        Date.now(),
      ),
    );
  }

  /** A record the executor could not read (a serde failed, a bad timestamp): dead-lettered, or the task fails. */
  async #unreadable(record: ConsumedRecord, error: DeserializationError | InvalidTimestampError): Promise<void> {
    if (this.options.config.deserializationExceptionHandler === "fail")
      throw new TaskProcessingError(this.options.taskId, record, error);
    await this.#deadLetter(record, error);
  }

  /** A send that failed inside a processor's forward() surfaces as that processor's error. */
  #isKafkaFailure(error: ProcessorError): boolean {
    return this.options.flush.error !== undefined || classifyKafkaError(error.cause) !== "fatal";
  }

  async #deadLetter(record: ConsumedRecord, error: EddyError): Promise<void> {
    const { taskId, config, metrics, logger } = this.options;
    metrics.deadLetterRecords += 1;
    logger.warn(
      {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        code: error.code,
        reason: error.message,
      },
      "record sent to the dead-letter topic",
    );
    await this.options.sendDeadLetter(deadLetterRecord(config.applicationId, taskId, record, error, Date.now()));
  }
}
