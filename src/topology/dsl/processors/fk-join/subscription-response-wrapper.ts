// What the right table's side of a foreign-key join sends back through the
// subscription-response topic, keyed by the primary key: Kafka Streams'
// SubscriptionResponseWrapper, in its byte layout (version 0):
//   {1 bit hash-is-null}{7 bits version}{16 bytes hash, if any}{the foreign value's bytes, if any}
// The hash is the one the subscription carried; the left side compares it with the hash
// of the row's current value and drops the response when they differ (a stale answer).
import { DamagedSubscriptionError, UnsupportedSubscriptionVersionError } from "../../../errors.js";
import type { Serde, SerdeContext } from "../../../../serdes/serde.js";
import type { Hash128 } from "./murmur3.js";

export const SUBSCRIPTION_RESPONSE_VERSION = 0;

const WHAT = "subscription response";

export interface SubscriptionResponseWrapper<VO> {
  readonly originalValueHash: Hash128 | null;
  readonly foreignValue: VO | null;
  readonly version: number;
  /** Where the response goes: the left row's partition (not written to the topic). */
  readonly primaryPartition: number | null;
}

export function subscriptionResponseWrapperSerde<VO>(
  foreignValueSerde: Serde<VO>,
): Serde<SubscriptionResponseWrapper<VO>> {
  return {
    name: `subscriptionResponseWrapper<${foreignValueSerde.name}>`,
    serialize(wrapper: SubscriptionResponseWrapper<VO>, context?: SerdeContext): Buffer {
      const value =
        wrapper.foreignValue === null || wrapper.foreignValue === undefined
          ? null
          : foreignValueSerde.serialize(wrapper.foreignValue, context);
      const hash = wrapper.originalValueHash;
      const out = Buffer.alloc(1 + (hash === null ? 0 : 16) + (value?.length ?? 0));
      out.writeUInt8(hash === null ? (wrapper.version | 0x80) & 0xff : wrapper.version, 0);
      let offset = 1;
      if (hash !== null) {
        out.writeBigInt64BE(hash[0], 1);
        out.writeBigInt64BE(hash[1], 9);
        offset = 17;
      }
      value?.copy(out, offset);
      return out;
    },
    deserialize(bytes: Buffer, context?: SerdeContext): SubscriptionResponseWrapper<VO> {
      if (bytes.length < 1) throw new DamagedSubscriptionError(WHAT, "it is empty", context);
      const first = bytes.readUInt8(0);
      const version = first & 0x7f;
      if (version > SUBSCRIPTION_RESPONSE_VERSION) {
        throw new UnsupportedSubscriptionVersionError(WHAT, version, SUBSCRIPTION_RESPONSE_VERSION, context);
      }
      let offset = 1;
      let hash: Hash128 | null = null;
      if ((first & 0x80) === 0) {
        if (bytes.length < 17) throw new DamagedSubscriptionError(WHAT, "its hash is cut short", context);
        hash = [bytes.readBigInt64BE(1), bytes.readBigInt64BE(9)];
        offset = 17;
      }
      return {
        originalValueHash: hash,
        foreignValue: bytes.length > offset ? foreignValueSerde.deserialize(bytes.subarray(offset), context) : null,
        version,
        primaryPartition: null,
      };
    },
  };
}
