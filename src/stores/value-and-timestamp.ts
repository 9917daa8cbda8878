// A value with the timestamp of the record that last changed it: Kafka Streams'
// ValueAndTimestamp, what its timestamped stores (every DSL table and aggregate since
// Kafka Streams 2.3) keep per key. The timestamp is how a table knows when a row last
// changed, and what an aggregate or a join forwards (the largest of its inputs').
//
// In a store the bytes are Kafka Streams' ValueAndTimestampSerializer layout: the
// timestamp as 8 bytes big-endian, then the value's bytes. The changelog does not carry
// that prefix: as Kafka Streams' ChangeLoggingTimestampedKeyValueBytesStore, the
// changelog record holds the plain value and the timestamp travels as the record's
// timestamp (changelog-format.ts).
import { DeserializationError } from "../serdes/errors.js";
import type { Serde, SerdeContext } from "../serdes/serde.js";

export interface ValueAndTimestamp<V> {
  readonly value: V;
  readonly timestamp: number;
}

/** Kafka's "no timestamp" (ConsumerRecord.NO_TIMESTAMP): a row upgraded from a store without timestamps has it. */
export const NO_TIMESTAMP = -1;

export const TIMESTAMP_BYTES = 8;

export function valueAndTimestamp<V>(value: V, timestamp: number): ValueAndTimestamp<V> {
  return { value, timestamp };
}

/** The value, or null when there is none: Kafka Streams' ValueAndTimestamp.getValueOrNull. */
export function valueOrNull<V>(entry: ValueAndTimestamp<V> | null | undefined): V | null {
  return entry === null || entry === undefined ? null : entry.value;
}

/** The timestamp prefix of stored bytes. */
export function timestampOf(bytes: Buffer): number {
  return Number(bytes.readBigInt64BE(0));
}

/** The value's bytes of stored bytes (the timestamp prefix removed). */
export function rawValueOf(bytes: Buffer): Buffer {
  return bytes.subarray(TIMESTAMP_BYTES);
}

/** Stored bytes from a timestamp and a value's bytes. */
export function withTimestamp(timestamp: number, rawValue: Buffer): Buffer {
  const out = Buffer.allocUnsafe(TIMESTAMP_BYTES + rawValue.length);
  out.writeBigInt64BE(BigInt(timestamp), 0);
  out.set(rawValue, TIMESTAMP_BYTES);
  return out;
}

/** Kafka Streams' ValueAndTimestampSerde around a value serde. */
export function valueAndTimestampSerde<V>(inner: Serde<V>): Serde<ValueAndTimestamp<V>> {
  return {
    name: `valueAndTimestamp<${inner.name}>`,
    serialize(entry: ValueAndTimestamp<V>, context?: SerdeContext): Buffer {
      return withTimestamp(entry.timestamp, inner.serialize(entry.value, context));
    },
    deserialize(bytes: Buffer, context?: SerdeContext): ValueAndTimestamp<V> {
      if (bytes.length < TIMESTAMP_BYTES) {
        throw new DeserializationError(
          `A value with a timestamp needs at least ${TIMESTAMP_BYTES} bytes, got ${bytes.length}`,
          context ?? {},
        );
      }
      return { value: inner.deserialize(rawValueOf(bytes), context), timestamp: timestampOf(bytes) };
    },
  };
}
