// Kafka Streams' stores treat put(key, null) as a delete; the store contract here says
// so for the typed store, and this makes the intent explicit for every other layering.
import type { KeyValueStore } from "../../../stores/key-value-store.js";

export async function putOrDelete<K, V>(store: KeyValueStore<K, V>, key: K, value: V | null): Promise<void> {
  if (value === null || value === undefined) await store.delete(key);
  else await store.put(key, value);
}
