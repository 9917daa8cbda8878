// The topics a member of a "consumer" protocol group subscribes to, read from its JoinGroup
// metadata (Kafka's ConsumerProtocolSubscription: int16 version, then the topic names in
// every version). OffsetDelete refuses to delete offsets of topics a group still consumes.
import { ByteReader } from "../../bytes/byte-reader.js";

/** The subscribed topic names, or null when the metadata is not a consumer subscription. */
export function subscribedTopicsOf(metadata: Buffer): string[] | null {
  try {
    const reader = new ByteReader(metadata);
    const version = reader.int16();
    if (version < 0) return null;
    const count = reader.int32();
    if (count < 0 || count > reader.remaining) return null;
    const topics: string[] = [];
    for (let i = 0; i < count; i++) {
      const length = reader.int16();
      if (length < 0) return null;
      topics.push(reader.string(length));
    }
    return topics;
  } catch {
    return null;
  }
}
