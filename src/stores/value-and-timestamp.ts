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
import { longAt, longSerde, writeLongAt } from "../serdes/java-numbers.js";
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
  // Without a BigInt per read: a timestamp is a safe integer, anything else rounds as Number(bigint) would.
  return longAt(bytes, 0) ?? Number(bytes.readBigInt64BE(0));
}

/** The value's bytes of stored bytes (the timestamp prefix removed). */
export function rawValueOf(bytes: Buffer): Buffer {
  return bytes.subarray(TIMESTAMP_BYTES);
}

/** Stored bytes from a timestamp and a value's bytes. */
export function withTimestamp(timestamp: number, rawValue: Buffer): Buffer {
  const out = Buffer.allocUnsafe(TIMESTAMP_BYTES + rawValue.length);
  writeTimestamp(out, timestamp);
  out.set(rawValue, TIMESTAMP_BYTES);
  return out;
}

function writeTimestamp(out: Buffer, timestamp: number): void {
  // BigInt() refuses what is not an integer: only safe integers take the path without one.
  if (Number.isSafeInteger(timestamp)) writeLongAt(out, timestamp, 0);
  else out.writeBigInt64BE(BigInt(timestamp), 0);
}

/** Kafka Streams' ValueAndTimestampSerde around a value serde. */
export function valueAndTimestampSerde<V>(inner: Serde<V>): Serde<ValueAndTimestamp<V>> {
  if ((inner as Serde<unknown>) === longSerde) return timestampedLongSerde as unknown as Serde<ValueAndTimestamp<V>>;
  return generalSerde(inner);
}

function generalSerde<V>(inner: Serde<V>): Serde<ValueAndTimestamp<V>> {
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

const generalTimestampedLong = generalSerde<number>(longSerde);

/**
 * Counts (Serdes.long() values, what count() keeps) read and written in place: one Buffer
 * per write and none per read, where the general serde makes the value's bytes, a view
 * of them and a BigInt for every record. Anything unusual goes the general way, which
 * fails or writes exactly as before.
 */
const timestampedLongSerde: Serde<ValueAndTimestamp<number>> = {
  name: `valueAndTimestamp<${longSerde.name}>`,
  serialize(entry: ValueAndTimestamp<number>, context?: SerdeContext): Buffer {
    const { value, timestamp } = entry;
    // A bigint count, or anything a check must refuse, goes the general way.
    if (!Number.isSafeInteger(value) || !Number.isSafeInteger(timestamp))
      return generalTimestampedLong.serialize(entry, context);
    const out = Buffer.allocUnsafe(TIMESTAMP_BYTES + 8);
    writeLongAt(out, timestamp, 0);
    writeLongAt(out, value, TIMESTAMP_BYTES);
    return out;
  },
  deserialize(bytes: Buffer, context?: SerdeContext): ValueAndTimestamp<number> {
    if (bytes.length === TIMESTAMP_BYTES + 8) {
      const value = longAt(bytes, TIMESTAMP_BYTES);
      if (value !== undefined) return { value, timestamp: timestampOf(bytes) };
    }
    return generalTimestampedLong.deserialize(bytes, context);
  },
};

/**
 * Writes `entry` over `bytes`, which `serde` made for an earlier value, when the serde is
 * count()'s (timestampedLongSerde above) and the new bytes are as long: true when written,
 * false when the caller must serialize anew. Only for bytes nothing else holds: the caller
 * knows its write made them, and that no reader was handed them since.
 */
export function reserializeInPlace<V>(serde: Serde<V>, entry: V, bytes: Buffer): boolean {
  if ((serde as Serde<unknown>) !== timestampedLongSerde || bytes.length !== TIMESTAMP_BYTES + 8) return false;
  const { value, timestamp } = entry as ValueAndTimestamp<number>;
  if (!Number.isSafeInteger(value) || !Number.isSafeInteger(timestamp)) return false;
  writeLongAt(bytes, timestamp, 0);
  writeLongAt(bytes, value, TIMESTAMP_BYTES);
  return true;
}
