// Where a record's timestamp comes from: Kafka Streams' TimestampExtractor. The
// timestamp drives everything time-based (stream time, windows, grace periods,
// suppression, joins of streams), and is what outputs are stamped with.
import type { RecordHeaders } from "./headers.js";

/** The record as an extractor sees it: deserialized, with where it came from. */
export interface ExtractableRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: unknown;
  readonly value: unknown;
  /** The timestamp Kafka gave it (CreateTime from the producer, or LogAppendTime). */
  readonly timestamp: number;
  readonly headers: RecordHeaders;
}

/**
 * Returns the record's timestamp, ms since the epoch. `partitionTime` is the largest
 * timestamp extracted so far from the record's partition (-1 before any); it is committed
 * with the partition's offset, as Kafka Streams commits it, so a restarted task goes on
 * from it. A negative
 * result skips the record (logged, counted as dropped), as in Kafka Streams.
 */
export type TimestampExtractorFunction = (record: ExtractableRecord, partitionTime: number) => number;

/**
 * Kafka Streams' built-in extractors, by name:
 * - `failOnInvalidTimestamp` (the default): the record's own timestamp; a negative one
 *   makes the record unreadable: it goes to the dead-letter topic (or stops the task
 *   with `deserializationExceptionHandler: "fail"`, as Kafka Streams always does);
 * - `logAndSkipOnInvalidTimestamp`: the record's timestamp; a negative one skips it;
 * - `usePartitionTimeOnInvalidTimestamp`: a negative timestamp is replaced by the
 *   partition's time (unreadable while the partition has none);
 * - `wallclockTimestampExtractor`: the system clock when the record is processed.
 */
export const BUILT_IN_TIMESTAMP_EXTRACTORS = [
  "failOnInvalidTimestamp",
  "logAndSkipOnInvalidTimestamp",
  "usePartitionTimeOnInvalidTimestamp",
  "wallclockTimestampExtractor",
] as const;

export type BuiltInTimestampExtractor = (typeof BUILT_IN_TIMESTAMP_EXTRACTORS)[number];

export type TimestampExtractor = TimestampExtractorFunction | BuiltInTimestampExtractor;
