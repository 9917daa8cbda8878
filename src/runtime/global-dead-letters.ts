// The dead-letter topic of the global stream thread: a record of a global topic that its
// serdes cannot read (or a record batch no consumer can read) goes to `<applicationId>-dlq`
// as a stream task's does, with the same headers (task "global"), and the thread reads on.
// The letter is acknowledged before the thread moves past the record, so a checkpoint
// never passes a record whose letter was lost. The producer connects on the first letter:
// most instances never write one.
import type { Logger } from "pino";
import { deadLetterRecord, undecodableBatchDeadLetter } from "../engine/dead-letter.js";
import type { ProducedRecord as EngineRecord } from "../engine/record-collector.js";
import type { EddyError } from "../errors/eddy-error.js";
import type { KafkaAdmin } from "../kafka/admin-client.js";
import type { KafkaClient } from "../kafka/client.js";
import { IdempotentProducer } from "../kafka/idempotent-producer.js";
import { partitionForKey } from "../kafka/partitioner.js";
import type { ConsumedRecord } from "../kafka/types.js";
import { UndecodableBatchError } from "./errors.js";
import { GLOBAL_TASK_ID } from "./global-state.js";

export class GlobalDeadLetters {
  readonly #kafka: KafkaClient;
  readonly #admin: KafkaAdmin;
  readonly #applicationId: string;
  readonly #logger: Logger;
  #producer: IdempotentProducer | undefined;
  #partitions: number | undefined;
  #next = 0;

  constructor(kafka: KafkaClient, admin: KafkaAdmin, applicationId: string, logger: Logger) {
    this.#kafka = kafka;
    this.#admin = admin;
    this.#applicationId = applicationId;
    this.#logger = logger;
  }

  /** A record the global store's serdes (or timestamp extractor) could not read. */
  async unreadable(record: ConsumedRecord, error: EddyError): Promise<void> {
    this.#logger.warn(
      {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        code: error.code,
        reason: error.message,
      },
      "global store: a record it cannot read goes to the dead-letter topic",
    );
    await this.#send(deadLetterRecord(this.#applicationId, GLOBAL_TASK_ID, record, error, Date.now()));
  }

  /** A record batch no consumer can read (it stands in the read as one entry at its last offset). */
  async undecodableBatch(
    entry: ConsumedRecord & { undecodable: NonNullable<ConsumedRecord["undecodable"]> },
  ): Promise<void> {
    const { baseOffset, lastOffset, reason } = entry.undecodable;
    const error = new UndecodableBatchError(entry.topic, entry.partition, baseOffset, lastOffset, reason);
    this.#logger.error(
      { topic: entry.topic, partition: entry.partition, baseOffset, lastOffset, reason },
      "global store: a record batch cannot be read; it goes to the dead-letter topic",
    );
    await this.#send(
      undecodableBatchDeadLetter(
        this.#applicationId,
        GLOBAL_TASK_ID,
        { ...entry, baseOffset, lastOffset },
        error,
        Date.now(),
      ),
    );
  }

  async close(): Promise<void> {
    await this.#producer?.close();
  }

  async #send(letter: EngineRecord): Promise<void> {
    const topic = letter.topic;
    if (this.#partitions === undefined) {
      this.#partitions = (await this.#admin.partitionCounts([topic])).get(topic) ?? 1;
    }
    if (this.#producer === undefined) {
      const producer = new IdempotentProducer(this.#kafka);
      await producer.connect();
      this.#producer = producer;
    }
    const partition =
      letter.key === null
        ? (this.#next = (this.#next + 1) % this.#partitions)
        : partitionForKey(letter.key, this.#partitions);
    await this.#producer.send([
      { topic, partition, key: letter.key, value: letter.value, headers: letter.headers, timestamp: letter.timestamp },
    ]);
  }
}
