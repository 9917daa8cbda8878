// The record of a processValues() processor, as Kafka Streams' FixedKeyRecord: it can
// only be made from the record the processor received, and its key cannot be changed,
// so what the processor forwards keeps the input's key (and its partition).
import { RecordHeaders } from "./headers.js";
import type { HeadersInit } from "./headers.js";
import type { StreamRecord } from "./record.js";

export class FixedKeyRecord<K, V> implements StreamRecord<K, V> {
  readonly key: K;
  readonly value: V;
  readonly timestamp: number;
  readonly headers: RecordHeaders;
  // A private field makes the type nominal: an object literal is not a FixedKeyRecord.
  readonly #fixed = true;

  private constructor(key: K, value: V, timestamp: number, headers: RecordHeaders) {
    this.key = key;
    this.value = value;
    this.timestamp = timestamp;
    this.headers = headers;
  }

  /** @internal Made by the runtime from the record a processValues() processor receives. */
  static of<K, V>(record: StreamRecord<K, V>): FixedKeyRecord<K, V> {
    const headers = record.headers instanceof RecordHeaders ? record.headers : new RecordHeaders(record.headers);
    return new FixedKeyRecord(record.key, record.value, record.timestamp, headers);
  }

  /** @internal Whether a value is a FixedKeyRecord (the check a JavaScript caller cannot skip). */
  static isFixedKeyRecord(value: unknown): value is FixedKeyRecord<unknown, unknown> {
    return typeof value === "object" && value !== null && #fixed in value;
  }

  withValue<VR>(value: VR): FixedKeyRecord<K, VR> {
    return new FixedKeyRecord(this.key, value, this.timestamp, this.headers);
  }

  withTimestamp(timestamp: number): FixedKeyRecord<K, V> {
    return new FixedKeyRecord(this.key, this.value, timestamp, this.headers);
  }

  withHeaders(headers: HeadersInit): FixedKeyRecord<K, V> {
    return new FixedKeyRecord(this.key, this.value, this.timestamp, new RecordHeaders(headers));
  }
}
