// The shared store of a left or outer stream-stream join (Kafka Streams'
// KSTREAM-OUTERSHARED-...-store, since 3.1): the records that found no partner yet,
// held until their window closes and then emitted joined with null. Its bytes are Kafka
// Streams', so its changelog reads the same in both:
// - key: TimestampedKeyAndJoinSide, the record time (8 bytes, big-endian), the side
//   (1 = left, 0 = right), then the record key's bytes; byte order is time order, so a
//   scan from the start meets the oldest records first and stops at the first open window;
// - value: the ListValueStore's list (Serdes.ListSerde of byte arrays: strategy byte 1,
//   the count, then each entry's length and bytes) of LeftOrRightValue (the side byte,
//   then the value's bytes), one entry per record of that key, time and side.
import type { Serde, SerdeContext } from "../../../../serdes/serde.js";
import { deserializationError } from "../../../../serdes/failures.js";

export interface TimestampedKeyAndJoinSide<K> {
  readonly key: K;
  readonly timestamp: number;
  readonly leftSide: boolean;
}

/** One side's value: Kafka Streams' LeftOrRightValue. */
export type LeftOrRightValue<V1, V2> =
  { readonly leftSide: true; readonly value: V1 } | { readonly leftSide: false; readonly value: V2 };

const TIMESTAMP_SIZE = 8;
const VARIABLE_SIZE_STRATEGY = 1;

export function timestampedKeyAndJoinSideSerde<K>(keySerde: Serde<K>): Serde<TimestampedKeyAndJoinSide<K>> {
  const name = `timestampedKeyAndJoinSide(${keySerde.name})`;
  return {
    name,
    serialize(data, context) {
      const key = keySerde.serialize(data.key, context);
      const bytes = Buffer.allocUnsafe(TIMESTAMP_SIZE + 1 + key.length);
      bytes.writeBigInt64BE(BigInt(data.timestamp), 0);
      bytes.writeUInt8(data.leftSide ? 1 : 0, TIMESTAMP_SIZE);
      key.copy(bytes, TIMESTAMP_SIZE + 1);
      return bytes;
    },
    deserialize(bytes, context) {
      if (bytes.length < TIMESTAMP_SIZE + 1) {
        throw deserializationError(name, `${bytes.length} bytes are too few for a time and a side`, context);
      }
      return {
        timestamp: Number(bytes.readBigInt64BE(0)),
        leftSide: bytes[TIMESTAMP_SIZE] === 1,
        key: keySerde.deserialize(bytes.subarray(TIMESTAMP_SIZE + 1), context),
      };
    },
  };
}

/** The list of one key's, time's and side's unjoined values, as Kafka Streams' ListValueStore keeps it. */
export function leftOrRightValueListSerde<V1, V2>(
  leftSerde: Serde<V1>,
  rightSerde: Serde<V2>,
): Serde<LeftOrRightValue<V1, V2>[]> {
  const name = `leftOrRightValueList(${leftSerde.name}, ${rightSerde.name})`;
  const entry = (value: LeftOrRightValue<V1, V2>, context: SerdeContext | undefined): Buffer => {
    const raw = value.leftSide ? leftSerde.serialize(value.value, context) : rightSerde.serialize(value.value, context);
    return Buffer.concat([Buffer.from([value.leftSide ? 1 : 0]), raw]);
  };
  return {
    name,
    serialize(values, context) {
      const entries = values.map((value) => entry(value, context));
      const bytes = Buffer.allocUnsafe(5 + entries.reduce((sum, e) => sum + 4 + e.length, 0));
      bytes.writeUInt8(VARIABLE_SIZE_STRATEGY, 0);
      bytes.writeInt32BE(entries.length, 1);
      let offset = 5;
      for (const e of entries) {
        bytes.writeInt32BE(e.length, offset);
        e.copy(bytes, offset + 4);
        offset += 4 + e.length;
      }
      return bytes;
    },
    deserialize(bytes, context) {
      const fail = (reason: string) => deserializationError(name, reason, context);
      if (bytes.length < 5 || bytes[0] !== VARIABLE_SIZE_STRATEGY) throw fail("not a list of variable-size entries");
      const count = bytes.readInt32BE(1);
      const values: LeftOrRightValue<V1, V2>[] = [];
      let offset = 5;
      for (let i = 0; i < count; i++) {
        if (offset + 4 > bytes.length) throw fail(`entry ${i} of ${count} is missing`);
        const length = bytes.readInt32BE(offset);
        if (length < 1 || offset + 4 + length > bytes.length) throw fail(`entry ${i} has a bad length ${length}`);
        const raw = bytes.subarray(offset + 5, offset + 4 + length);
        values.push(
          bytes[offset + 4] === 1
            ? { leftSide: true, value: leftSerde.deserialize(raw, context) }
            : { leftSide: false, value: rightSerde.deserialize(raw, context) },
        );
        offset += 4 + length;
      }
      return values;
    },
  };
}
