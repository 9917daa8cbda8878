// A KTable update as Kafka Streams' Change<V>: the new value and, when the downstream
// needs it (aggregations with a subtractor, joins, filters that must retract), the old
// one. null is "no row": Change(null, old) deletes, Change(new, null) inserts.
import { DeserializationError } from "../../../serdes/errors.js";
import type { Serde, SerdeContext } from "../../../serdes/serde.js";

export interface Change<V> {
  readonly newValue: V | null;
  readonly oldValue: V | null;
  /**
   * False for an out-of-order update of a versioned table: a version of the past, not the
   * table's current row (Kafka Streams' Change.isLatest). Absent means latest.
   */
  readonly isLatest?: boolean;
}

/** `change`, marked not latest when `from` (the update it was computed from) is not (Kafka Streams passes isLatest on). */
export function withLatest<V>(change: Change<V>, from: Change<unknown>): Change<V> {
  return from.isLatest === false ? { ...change, isLatest: false } : change;
}

const HAS_NEW = 1;
const HAS_OLD = 2;

/**
 * How a Change travels through a table repartition topic: one flags byte (bit 0: new
 * value present, bit 1: old value present), the new value's length as a 4-byte
 * big-endian integer, then the new and the old value bytes. Only Eddy reads these
 * internal topics, so the layout is ours.
 */
export function changeSerde<V>(inner: Serde<V>): Serde<Change<V>> {
  return {
    name: `change<${inner.name}>`,
    serialize(change: Change<V>, context?: SerdeContext): Buffer {
      const next = change.newValue === null ? null : inner.serialize(change.newValue, context);
      const old = change.oldValue === null ? null : inner.serialize(change.oldValue, context);
      const header = Buffer.allocUnsafe(5);
      header.writeUInt8((next === null ? 0 : HAS_NEW) | (old === null ? 0 : HAS_OLD), 0);
      header.writeUInt32BE(next === null ? 0 : next.length, 1);
      return Buffer.concat([header, next ?? Buffer.alloc(0), old ?? Buffer.alloc(0)]);
    },
    deserialize(bytes: Buffer, context?: SerdeContext): Change<V> {
      if (bytes.length < 5) {
        throw new DeserializationError(`A table change needs at least 5 bytes, got ${bytes.length}`, context ?? {});
      }
      const flags = bytes.readUInt8(0);
      const newLength = bytes.readUInt32BE(1);
      if (5 + newLength > bytes.length) {
        throw new DeserializationError(
          `A table change announces ${newLength} bytes of new value but has ${bytes.length - 5}`,
          context ?? {},
        );
      }
      const next = bytes.subarray(5, 5 + newLength);
      const old = bytes.subarray(5 + newLength);
      return {
        newValue: (flags & HAS_NEW) === 0 ? null : inner.deserialize(next, context),
        oldValue: (flags & HAS_OLD) === 0 ? null : inner.deserialize(old, context),
      };
    },
  };
}
