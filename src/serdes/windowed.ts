// Windowed keys, as Kafka Streams' Windowed<K>: a record key and the window it was
// aggregated in. Time windows are [start, end) (end exclusive); a session's window is
// [start, end] with end the time of its last record.
//
// The serdes are byte-compatible with Kafka Streams' WindowedSerdes, so a Java consumer
// reads an Eddy topic of windowed keys with TimeWindowedDeserializer or
// SessionWindowedDeserializer (and the other way round):
// - time-windowed: the inner key's bytes, then the window start (8 bytes, big-endian);
//   the end is not written, it is start + the window size the reader is told;
// - session-windowed: the inner key's bytes, then the end, then the start (8 bytes each).
import type { Serde, SerdeContext } from "./serde.js";
import { deserializationError, serializationError } from "./failures.js";

/** A window: [start, end) for time windows, [start, end] for sessions, in milliseconds. */
export interface Window {
  readonly start: number;
  readonly end: number;
}

/** A key and its window (Kafka Streams' Windowed<K>). */
export interface Windowed<K> {
  readonly key: K;
  readonly window: Window;
}

/**
 * A serde of windowed keys that can also write the inner key alone (Kafka Streams'
 * WindowedSerializer.serializeBaseKey): records with windowed keys are partitioned by the
 * inner key (WindowedStreamPartitioner), so every window of a key lands in one partition.
 */
export interface WindowedSerde<K> extends Serde<Windowed<K>> {
  serializeBaseKey(windowed: Windowed<K>, context?: SerdeContext): Buffer;
}

export function isWindowedSerde(serde: Serde<unknown>): serde is WindowedSerde<unknown> {
  return typeof (serde as Partial<WindowedSerde<unknown>>).serializeBaseKey === "function";
}

/** Kafka Streams' Windowed.toString(): `[key@start/end]`. */
export function windowedToString(windowed: Windowed<unknown>): string {
  return `[${String(windowed.key)}@${windowed.window.start}/${windowed.window.end}]`;
}

const TIMESTAMP_SIZE = 8;

/** Window ends past Long.MAX_VALUE are capped there, as Kafka Streams' timeWindowForSize does. */
const LONG_MAX = Number.MAX_SAFE_INTEGER;

function writeLong(target: Buffer, offset: number, value: number, serde: string, context?: SerdeContext): void {
  if (!Number.isSafeInteger(value)) {
    throw serializationError(serde, `expected a window bound in milliseconds, got ${String(value)}`, context);
  }
  target.writeBigInt64BE(BigInt(value), offset);
}

function readLong(bytes: Buffer, offset: number): number {
  const value = bytes.readBigInt64BE(offset);
  return value > BigInt(LONG_MAX) ? LONG_MAX : Number(value);
}

/** Kafka Streams' WindowedSerdes.timeWindowedSerdeFrom(inner, windowSize). */
export function timeWindowedSerde<K>(inner: Serde<K>, windowSizeMs: number): WindowedSerde<K> {
  if (!Number.isSafeInteger(windowSizeMs) || windowSizeMs <= 0) {
    throw new RangeError(`A time-windowed serde needs the window size in milliseconds (> 0), got ${windowSizeMs}`);
  }
  const name = `timeWindowed(${inner.name})`;
  return {
    name,
    serializeBaseKey: (windowed, context) => inner.serialize(windowed.key, context),
    serialize(windowed, context) {
      const key = inner.serialize(windowed.key, context);
      const bytes = Buffer.allocUnsafe(key.length + TIMESTAMP_SIZE);
      key.copy(bytes, 0);
      writeLong(bytes, key.length, windowed.window.start, name, context);
      return bytes;
    },
    deserialize(bytes, context) {
      if (bytes.length < TIMESTAMP_SIZE) {
        throw deserializationError(name, `expected at least ${TIMESTAMP_SIZE} bytes, got ${bytes.length}`, context);
      }
      const keyLength = bytes.length - TIMESTAMP_SIZE;
      const start = readLong(bytes, keyLength);
      const end = start + windowSizeMs;
      return {
        key: inner.deserialize(bytes.subarray(0, keyLength), context),
        window: { start, end: end > LONG_MAX ? LONG_MAX : end },
      };
    },
  };
}

/** Kafka Streams' WindowedSerdes.sessionWindowedSerdeFrom(inner). */
export function sessionWindowedSerde<K>(inner: Serde<K>): WindowedSerde<K> {
  const name = `sessionWindowed(${inner.name})`;
  return {
    name,
    serializeBaseKey: (windowed, context) => inner.serialize(windowed.key, context),
    serialize(windowed, context) {
      const key = inner.serialize(windowed.key, context);
      const bytes = Buffer.allocUnsafe(key.length + 2 * TIMESTAMP_SIZE);
      key.copy(bytes, 0);
      writeLong(bytes, key.length, windowed.window.end, name, context);
      writeLong(bytes, key.length + TIMESTAMP_SIZE, windowed.window.start, name, context);
      return bytes;
    },
    deserialize(bytes, context) {
      if (bytes.length < 2 * TIMESTAMP_SIZE) {
        throw deserializationError(name, `expected at least ${2 * TIMESTAMP_SIZE} bytes, got ${bytes.length}`, context);
      }
      const keyLength = bytes.length - 2 * TIMESTAMP_SIZE;
      return {
        key: inner.deserialize(bytes.subarray(0, keyLength), context),
        window: { start: readLong(bytes, keyLength + TIMESTAMP_SIZE), end: readLong(bytes, keyLength) },
      };
    },
  };
}
