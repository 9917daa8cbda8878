// Kafka Streams' stores treat put(key, null) as a delete; the store contract here says
// so for the typed store, and this makes the intent explicit for every other layering.
import type { KeyValueStore } from "../../../stores/key-value-store.js";
import type { ValueAndTimestamp } from "../../../stores/value-and-timestamp.js";

export async function putOrDelete<K, V>(store: KeyValueStore<K, V>, key: K, value: V | null): Promise<void> {
  if (value === null || value === undefined) await store.delete(key);
  else await store.put(key, value);
}

/** The value with its timestamp for a timestamped store, or null (a delete) when there is no value. */
export function timestamped<V>(value: V | null, timestamp: number): ValueAndTimestamp<V> | null {
  return value === null || value === undefined ? null : { value, timestamp };
}
