// A data record as the Fetch decoder reads it (record-batch-decoder.ts): its key and value
// are left where they lie in the fetched bytes, and a Buffer view of them is made only when
// `key` or `value` is read. A source whose serde reads in place (the string serde's
// deserializeAt) never makes one: per record, the two views were the decoder's largest
// allocation, and records wait in memory from their fetch until processed.
import type { ConsumedRecord, KafkaHeaders } from "../types.js";

export class FetchedRecord implements ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly headers: KafkaHeaders;
  /** The bytes the key and value lie in: the Fetch response's, or a compressed batch's once opened. */
  readonly bytes: Buffer;
  readonly keyAt: number;
  /** -1 for a null key. */
  readonly keyLength: number;
  readonly valueAt: number;
  /** -1 for a null value. */
  readonly valueLength: number;

  constructor(
    topic: string,
    partition: number,
    offset: number,
    timestamp: number,
    bytes: Buffer,
    keyAt: number,
    keyLength: number,
    valueAt: number,
    valueLength: number,
    headers: KafkaHeaders,
  ) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.timestamp = timestamp;
    this.headers = headers;
    this.bytes = bytes;
    this.keyAt = keyAt;
    this.keyLength = keyLength;
    this.valueAt = valueAt;
    this.valueLength = valueLength;
  }

  /** A view of the fetched bytes (no copy), a new one on every read. */
  get key(): Buffer | null {
    return this.keyLength < 0 ? null : this.bytes.subarray(this.keyAt, this.keyAt + this.keyLength);
  }

  get value(): Buffer | null {
    return this.valueLength < 0 ? null : this.bytes.subarray(this.valueAt, this.valueAt + this.valueLength);
  }
}
