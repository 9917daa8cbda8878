// The built-in serdes. Every factory returns a shared, stateless instance (zod() one
// per schema), so `Serdes.string() === Serdes.string()`.
import type { ZodType } from "zod";
import type { Serde } from "./serde.js";
import { bigintSerde, doubleSerde, int32Serde, longSerde } from "./java-numbers.js";
import type { LongSerde } from "./java-numbers.js";
import { jsonSerde } from "./json.js";
import { msgpackSerde } from "./msgpack.js";
import { bytesSerde, stringSerde } from "./text-and-bytes.js";
import { zodSerde } from "./zod.js";
import { sessionWindowedSerde, timeWindowedSerde } from "./windowed.js";
import type { Windowed } from "./windowed.js";
import type { ZodSerde } from "./zod.js";

export type { LongSerde } from "./java-numbers.js";
export type { ZodSerde } from "./zod.js";

export const Serdes = {
  /** UTF-8 text, as Java's StringSerializer. Invalid UTF-8 fails to deserialize. */
  string: (): Serde<string> => stringSerde,
  /**
   * JSON as UTF-8 text. The type parameter is a promise, not a check: use
   * Serdes.zod(schema) when the data comes from outside. As a store key, JSON is only
   * deterministic for values without objects (object key order is insertion order).
   */
  json: <T = unknown>(): Serde<T> => jsonSerde as Serde<T>,
  /** Standard MessagePack (msgpackr, record extension off). The type parameter is not checked. */
  msgpack: <T = unknown>(): Serde<T> => msgpackSerde as Serde<T>,
  /** The bytes as they are. */
  bytes: (): Serde<Buffer> => bytesSerde,
  /** 4-byte big-endian two's complement, as Java's IntegerSerializer. */
  int32: (): Serde<number> => int32Serde,
  /**
   * 8-byte big-endian two's complement, as Java's LongSerializer. Writes a number or a
   * bigint; reads a number, failing (not rounding) beyond Number.MAX_SAFE_INTEGER.
   */
  long: (): LongSerde => longSerde,
  /** The bytes of Serdes.long(), read and written as a bigint: the whole int64 range. */
  bigint: (): Serde<bigint> => bigintSerde,
  /** 8-byte big-endian IEEE-754, as Java's DoubleSerializer. */
  double: (): Serde<number> => doubleSerde,
  /** JSON validated by a zod schema on both read and write. */
  zod: <T>(schema: ZodType<T>): ZodSerde<T> => zodSerde(schema),
  /** Keys of time windows, as Kafka Streams' WindowedSerdes.timeWindowedSerdeFrom(inner, size): key bytes + 8-byte start. */
  timeWindowed: <K>(inner: Serde<K>, windowSizeMs: number): Serde<Windowed<K>> =>
    timeWindowedSerde(inner, windowSizeMs),
  /** Keys of session windows, as Kafka Streams' WindowedSerdes.sessionWindowedSerdeFrom(inner): key bytes + end + start. */
  sessionWindowed: <K>(inner: Serde<K>): Serde<Windowed<K>> => sessionWindowedSerde(inner),
} as const;

/** The built-in serdes a configuration may name. */
const BY_NAME: Readonly<Record<string, () => Serde<unknown>>> = {
  string: Serdes.string,
  json: Serdes.json,
  msgpack: Serdes.msgpack,
  bytes: Serdes.bytes,
  int32: Serdes.int32,
  long: Serdes.long,
  bigint: Serdes.bigint,
  double: Serdes.double,
};

/** Names a configuration may give a serde by. */
export const SERDE_NAMES: readonly string[] = Object.freeze(Object.keys(BY_NAME));

/** A serde given by name (a configuration's "string", "long"...) or as an object; undefined stays undefined. */
export function serdeFromSetting(setting: string | Serde<unknown> | undefined): Serde<unknown> | undefined {
  if (setting === undefined || typeof setting !== "string") return setting;
  const make = BY_NAME[setting];
  if (make === undefined) {
    throw new RangeError(`Unknown serde name ${JSON.stringify(setting)}: use one of ${SERDE_NAMES.join(", ")}`);
  }
  return make();
}
