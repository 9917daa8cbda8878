// Numeric serdes with the byte layouts of Kafka's Java serializers, so that a Java
// producer or consumer (or kafka-console-consumer with LongDeserializer) reads what
// Eddy writes: IntegerSerializer = 4 bytes big-endian two's complement,
// LongSerializer = 8 bytes big-endian two's complement, DoubleSerializer = the
// IEEE-754 bits (Double.doubleToLongBits) big-endian.
import type { Serde, SerdeContext } from "./serde.js";
import { describeValue, deserializationError, serializationError } from "./failures.js";

const TWO_POW_32 = 4294967296;
// The high word of a safe integer lies in [-2^21, 2^21 - 1]; -2^53 itself is rejected below.
const MAX_SAFE_HIGH_WORD = 0x1fffff;
const MIN_SAFE_HIGH_WORD = -0x200000;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function expectLength(serde: string, bytes: Buffer, length: number, context: SerdeContext | undefined): void {
  if (bytes.length !== length) {
    throw deserializationError(serde, `expected ${length} bytes, got ${bytes.length}`, context);
  }
}

export const int32Serde: Serde<number> = {
  name: "int32",
  serialize(value: number, context?: SerdeContext): Buffer {
    if (typeof value !== "number" || !Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
      throw serializationError(
        "int32",
        `expected an integer in [-2^31, 2^31 - 1], got ${describeValue(value)}`,
        context,
      );
    }
    const bytes = Buffer.allocUnsafe(4);
    bytes.writeInt32BE(value, 0);
    return bytes;
  },
  deserialize(bytes: Buffer, context?: SerdeContext): number {
    expectLength("int32", bytes, 4, context);
    return bytes.readInt32BE(0);
  },
};

/**
 * Java's LongSerializer layout. Writes a safe-integer number or a bigint (so a count
 * kept as either goes to a topic unchanged); reads a number, and refuses values that a
 * number cannot hold exactly rather than rounding them (Serdes.bigint() reads those).
 */
export interface LongSerde extends Serde<number> {
  // Overloads rather than one (number | bigint) signature, so that a LongSerde still
  // fits where a Serde<number | null> is expected (a KTable's toStream() carries tombstones).
  serialize(value: number, context?: SerdeContext): Buffer;
  serialize(value: bigint, context?: SerdeContext): Buffer;
  serialize(value: number | bigint, context?: SerdeContext): Buffer;
}

/**
 * The 8 bytes at `offset` as a number, or undefined when a number cannot hold them
 * exactly: what a store reads a count from without a BigInt or a view of its own.
 */
export function longAt(bytes: Buffer, offset: number): number | undefined {
  const high = bytes.readInt32BE(offset);
  if (high > MAX_SAFE_HIGH_WORD || high < MIN_SAFE_HIGH_WORD) return undefined;
  const value = high * TWO_POW_32 + bytes.readUInt32BE(offset + 4);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Writes a safe integer as 8 bytes big-endian two's complement at `offset` (the caller checked it). */
export function writeLongAt(bytes: Buffer, value: number, offset: number): void {
  // Byte by byte: half the time of writeInt32BE() and writeUInt32BE(), whose range checks
  // the caller's check makes moot (a count's store value takes two per record).
  if (!(offset >= 0 && offset + 8 <= bytes.length)) throw new RangeError(`No 8 bytes at offset ${offset}`);
  const high = Math.floor(value / TWO_POW_32);
  const low = value - high * TWO_POW_32;
  bytes[offset] = high >>> 24;
  bytes[offset + 1] = high >>> 16;
  bytes[offset + 2] = high >>> 8;
  bytes[offset + 3] = high;
  bytes[offset + 4] = low >>> 24;
  bytes[offset + 5] = low >>> 16;
  bytes[offset + 6] = low >>> 8;
  bytes[offset + 7] = low;
}

export const longSerde: LongSerde = {
  name: "long",
  serialize(value: number | bigint, context?: SerdeContext): Buffer {
    const bytes = Buffer.allocUnsafe(8);
    if (typeof value === "number") {
      if (!Number.isSafeInteger(value)) {
        throw serializationError("long", `expected a safe integer (or a bigint), got ${describeValue(value)}`, context);
      }
      writeLongAt(bytes, value, 0);
      return bytes;
    }
    if (typeof value === "bigint") {
      if (value < INT64_MIN || value > INT64_MAX) {
        throw serializationError("long", `${value}n does not fit in 64 bits`, context);
      }
      bytes.writeBigInt64BE(value, 0);
      return bytes;
    }
    throw serializationError("long", `expected a number or a bigint, got ${describeValue(value)}`, context);
  },
  deserialize(bytes: Buffer, context?: SerdeContext): number {
    expectLength("long", bytes, 8, context);
    const value = longAt(bytes, 0);
    if (value === undefined) {
      throw deserializationError(
        "long",
        `${bytes.readBigInt64BE(0)} is outside the safe integer range of a JavaScript number; use Serdes.bigint() for this data`,
        context,
      );
    }
    return value;
  },
};

/** The same bytes as Serdes.long(), as a bigint: the whole int64 range. */
export const bigintSerde: Serde<bigint> = {
  name: "bigint",
  serialize(value: bigint, context?: SerdeContext): Buffer {
    if (typeof value !== "bigint") {
      throw serializationError("bigint", `expected a bigint, got ${describeValue(value)}`, context);
    }
    if (value < INT64_MIN || value > INT64_MAX) {
      throw serializationError("bigint", `${value}n does not fit in 64 bits`, context);
    }
    const bytes = Buffer.allocUnsafe(8);
    bytes.writeBigInt64BE(value, 0);
    return bytes;
  },
  deserialize(bytes: Buffer, context?: SerdeContext): bigint {
    expectLength("bigint", bytes, 8, context);
    return bytes.readBigInt64BE(0);
  },
};

export const doubleSerde: Serde<number> = {
  name: "double",
  serialize(value: number, context?: SerdeContext): Buffer {
    if (typeof value !== "number") {
      throw serializationError("double", `expected a number, got ${describeValue(value)}`, context);
    }
    const bytes = Buffer.allocUnsafe(8);
    // Java's doubleToLongBits collapses every NaN to 0x7ff8000000000000; do the same so
    // equal values always have equal bytes (stores and compaction compare bytes).
    if (Number.isNaN(value)) {
      bytes.writeUInt32BE(0x7ff80000, 0);
      bytes.writeUInt32BE(0, 4);
    } else {
      bytes.writeDoubleBE(value, 0);
    }
    return bytes;
  },
  deserialize(bytes: Buffer, context?: SerdeContext): number {
    expectLength("double", bytes, 8, context);
    return bytes.readDoubleBE(0);
  },
};
