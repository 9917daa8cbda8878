// The record that flows between processors, as Kafka Streams' Record<K, V>: typed key
// and value, the event timestamp (ms since the epoch) and the Kafka headers. A null key
// or value is Kafka's "none" (a tombstone for a value) and reaches processors as null.
import type { RecordHeaders } from "./headers.js";

export interface StreamRecord<K, V> {
  readonly key: K;
  readonly value: V;
  readonly timestamp: number;
  readonly headers: RecordHeaders;
}

/** Where a record was read from: Kafka Streams' RecordMetadata. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/**
 * The context of the record being processed, as Kafka Streams' RecordContext: where the
 * input record came from (topic, partition, offset) and the timestamp and headers of the
 * record at hand (a processor may have changed them on the way). In a punctuator there
 * is no input record: topic null, partition and offset -1, the punctuation's time and
 * no headers.
 */
export interface RecordContext {
  readonly topic: string | null;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly headers: RecordHeaders;
}
