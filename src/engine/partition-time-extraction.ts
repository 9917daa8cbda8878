// Kafka Streams' partition time (the largest timestamp processed so far from the task's
// partition of a topic, committed with its offset), and the timestamps of records whose
// source has an extractor of its own: the extractor is given the partition time, and what
// it returns decides the record's fate.
import type { RecordHeaders } from "../topology/headers.js";
import type { RecordMetadata, StreamRecord } from "../topology/record.js";
import type { TimestampExtractorFunction } from "../topology/timestamp-extractor.js";
import type { ConsumedRecord } from "./consumed-record.js";
import { InvalidTimestampError } from "./processing-errors.js";

/** A record the extractor gave no usable time: it failed (dead-lettered), or the time is negative (skipped). */
export type UnusableTimestamp =
  | { readonly status: "dead-letter"; readonly error: InvalidTimestampError }
  | { readonly status: "skipped"; readonly timestamp: number };

export class PartitionTimeExtraction {
  /** The largest timestamp extracted per input topic (the task's partition of it): Kafka Streams' partition time. */
  readonly #partitionTimes = new Map<string, number>();

  /** The partition times committed by the task's last owner (Kafka Streams' initializeTaskTime), by topic. */
  constructor(committed?: ReadonlyMap<string, number>) {
    if (committed !== undefined) for (const [topic, time] of committed) this.#partitionTimes.set(topic, time);
  }

  /** The partition time of the task's partition of `topic`: -1 before its first record. */
  partitionTime(topic: string): number {
    return this.#partitionTimes.get(topic) ?? -1;
  }

  /** A record of `topic` processed with the default extractor's timestamp. */
  observe(topic: string, timestamp: number): void {
    const partitionTime = this.#partitionTimes.get(topic);
    if (partitionTime === undefined || timestamp > partitionTime) this.#partitionTimes.set(topic, timestamp);
  }

  /** The extracted timestamp, or what becomes of a record whose timestamp is invalid. */
  extract(
    extractor: TimestampExtractorFunction,
    record: ConsumedRecord,
    typed: StreamRecord<unknown, unknown>,
    metadata: RecordMetadata,
  ): number | UnusableTimestamp {
    const partitionTime = this.#partitionTimes.get(record.topic) ?? -1;
    let timestamp: number;
    try {
      timestamp = extractor(
        {
          ...metadata,
          key: typed.key,
          value: typed.value,
          timestamp: record.timestamp,
          headers: typed.headers as RecordHeaders,
        },
        partitionTime,
      );
    } catch (error) {
      const invalid =
        error instanceof InvalidTimestampError
          ? error
          : new InvalidTimestampError(
              record.timestamp,
              metadata,
              `its timestamp extractor failed: ${error instanceof Error ? error.message : String(error)}`,
              { cause: error },
            );
      return { status: "dead-letter", error: invalid };
    }
    if (typeof timestamp !== "number" || !Number.isFinite(timestamp) || timestamp < 0) {
      return { status: "skipped", timestamp };
    }
    if (timestamp > partitionTime) this.#partitionTimes.set(record.topic, timestamp);
    return timestamp;
  }
}
