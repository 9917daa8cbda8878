// What a store tells its serdes: the store and the part, and the topic Kafka Streams'
// stores name to theirs (the store's changelog, or the name it would have: see
// src/topology/store-serde-topic.ts), so that a topic-aware serde (one that looks up a
// schema by subject `<topic>-key`) sees in Eddy what it sees in a Java application.
// Made once per store, never per record.
import type { SerdeContext } from "../serdes/serde.js";

export function storeSerdeContext(store: string, part: "key" | "value", topic: string | undefined): SerdeContext {
  return topic === undefined ? { store, part } : { topic, store, part };
}
