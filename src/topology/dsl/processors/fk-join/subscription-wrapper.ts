// What the left table of a foreign-key join sends to the right table's side through the
// subscription-registration topic, keyed by the foreign key: Kafka Streams'
// SubscriptionWrapper, in its byte layout (version 1), so that the internal topics and
// the subscription store read the same as a Java application's:
//   {1 bit hash-is-null}{7 bits version}{1 byte instruction}{16 bytes hash, if any}
//   {the primary key's bytes}{4 bytes: the primary key's partition}
import { DamagedSubscriptionError, UnsupportedSubscriptionVersionError } from "../../../errors.js";
import type { Serde, SerdeContext } from "../../../../serdes/serde.js";
import type { Hash128 } from "./murmur3.js";

export const SubscriptionInstruction = {
  /** The row left this foreign key: forget the subscription, send nothing. */
  DELETE_KEY_NO_PROPAGATE: 0,
  /** The row is gone: forget the subscription and send (key, null). */
  DELETE_KEY_AND_PROPAGATE: 1,
  /** The foreign key changed (or a left join): send (key, foreign value), or (key, null) without one. */
  PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE: 2,
  /** A new row: send (key, foreign value) only if there is one. */
  PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE: 3,
} as const;

export type SubscriptionInstruction = (typeof SubscriptionInstruction)[keyof typeof SubscriptionInstruction];

export const SUBSCRIPTION_WRAPPER_VERSION = 1;

const WHAT = "subscription";

export interface SubscriptionWrapper<K> {
  /** The hash of the left row's value when it was sent; null for a deleted row. */
  readonly hash: Hash128 | null;
  readonly instruction: SubscriptionInstruction;
  readonly primaryKey: K;
  readonly version: number;
  /** The partition of the left row: where the response must go back to (null in version 0). */
  readonly primaryPartition: number | null;
}

/** `registrationTopic`: the logical name of the subscription-registration topic, for the primary key's pseudo topic. */
export function subscriptionWrapperSerde<K>(
  primaryKeySerde: Serde<K>,
  registrationTopic?: string,
): Serde<SubscriptionWrapper<K>> {
  const primaryKeyContext = primaryKeyContextOf(registrationTopic);
  return {
    name: `subscriptionWrapper<${primaryKeySerde.name}>`,
    serialize(wrapper: SubscriptionWrapper<K>, context?: SerdeContext): Buffer {
      const key = primaryKeySerde.serialize(wrapper.primaryKey, primaryKeyContext(context));
      const v1 = wrapper.version >= 1;
      const out = Buffer.alloc(2 + (wrapper.hash === null ? 0 : 16) + key.length + (v1 ? 4 : 0));
      out.writeUInt8(wrapper.hash === null ? (wrapper.version | 0x80) & 0xff : wrapper.version, 0);
      out.writeUInt8(wrapper.instruction, 1);
      let offset = 2;
      if (wrapper.hash !== null) {
        out.writeBigInt64BE(wrapper.hash[0], 2);
        out.writeBigInt64BE(wrapper.hash[1], 10);
        offset = 18;
      }
      key.copy(out, offset);
      if (v1) out.writeInt32BE(wrapper.primaryPartition ?? -1, offset + key.length);
      return out;
    },
    deserialize(bytes: Buffer, context?: SerdeContext): SubscriptionWrapper<K> {
      if (bytes.length < 2)
        throw new DamagedSubscriptionError(WHAT, `${bytes.length} byte(s), at least 2 needed`, context);
      const first = bytes.readUInt8(0);
      const version = first & 0x7f;
      const hashIsNull = (first & 0x80) !== 0;
      const instruction = bytes.readUInt8(1);
      if (version > SUBSCRIPTION_WRAPPER_VERSION) {
        throw new UnsupportedSubscriptionVersionError(WHAT, version, SUBSCRIPTION_WRAPPER_VERSION, context);
      }
      if (instruction > 3) throw new DamagedSubscriptionError(WHAT, `unknown instruction ${instruction}`, context);
      let offset = 2;
      let hash: Hash128 | null = null;
      if (!hashIsNull) {
        if (bytes.length < 18) throw new DamagedSubscriptionError(WHAT, "its hash is cut short", context);
        hash = [bytes.readBigInt64BE(2), bytes.readBigInt64BE(10)];
        offset = 18;
      }
      const keyEnd = version > 0 ? bytes.length - 4 : bytes.length;
      if (keyEnd < offset) throw new DamagedSubscriptionError(WHAT, "its key is cut short", context);
      return {
        hash,
        instruction: instruction as SubscriptionInstruction,
        primaryKey: primaryKeySerde.deserialize(bytes.subarray(offset, keyEnd), primaryKeyContext(context)),
        version,
        primaryPartition: version > 0 ? bytes.readInt32BE(keyEnd) : null,
      };
    },
  };
}

/**
 * Kafka Streams serializes the primary key for one pseudo topic,
 * `<applicationId>-<registration topic>-pk`, wherever the wrapper goes
 * (SubscriptionWrapperSerde ignores the topic it is given): on the registration topic,
 * `<applicationId>-<registration topic>`, and in the subscription store, whose serdes are told
 * `<applicationId>-<store>-changelog`. The application id is read off either, once per topic.
 */
function primaryKeyContextOf(
  registrationTopic: string | undefined,
): (context: SerdeContext | undefined) => SerdeContext {
  let lastTopic: string | undefined;
  let last: SerdeContext | undefined;
  return (context) => {
    const topic = context?.topic;
    if (topic === undefined) return { ...context, part: "key" };
    if (topic === lastTopic && last !== undefined) return last;
    const suffix = context?.store === undefined ? registrationTopic : `${context.store}-changelog`;
    const prefix =
      registrationTopic !== undefined && suffix !== undefined && topic.endsWith(suffix)
        ? topic.slice(0, topic.length - suffix.length)
        : undefined;
    lastTopic = topic;
    last = { topic: prefix === undefined ? `${topic}-pk` : `${prefix}${registrationTopic}-pk`, part: "key" };
    return last;
  };
}
