// A record as a test pipes it in or reads it out: Kafka Streams' TestRecord.
import type { HeadersInit, RecordHeaders } from "../topology/headers.js";

export interface TestRecord<K, V> {
  readonly key: K | null;
  readonly value: V | null;
  /** Null for a record written without a timestamp (suppress()'s changelog records, as in Kafka Streams' driver). */
  readonly timestamp: number | null;
  readonly headers: RecordHeaders;
}

/** What pipeRecord() takes: everything but the value is optional. */
export interface TestRecordInit<K, V> {
  readonly key?: K | null;
  readonly value: V | null;
  /** Defaults to the input topic's current time (which then advances). */
  readonly timestamp?: number;
  readonly headers?: HeadersInit;
}
