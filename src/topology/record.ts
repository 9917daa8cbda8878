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
