// The typed store a processor gets for a store definition, over the bytes store its
// task provides (the runtime's overlay, the TopologyTestDriver's storage): the same
// serdes and the same value layout in both, so what a test sees is what runs on Kafka.
import type { Serde } from "../serdes/serde.js";
import type { KeyValueBytesStore, KeyValueStore } from "../stores/key-value-store.js";
import { KeyValueStoreFacade } from "../stores/key-value-store-facade.js";
import { TypedKeyValueStore } from "../stores/typed-key-value-store.js";
import { valueAndTimestampSerde } from "../stores/value-and-timestamp.js";
import type { ValueAndTimestamp } from "../stores/value-and-timestamp.js";
import type { StoreDefinition } from "../topology/topology.js";

const storedSerdes = new WeakMap<StoreDefinition, Serde<unknown>>();

/** How the store's values are serialized: with their timestamp in front for a timestamped store. */
export function storedValueSerde(definition: StoreDefinition): Serde<unknown> {
  if (!definition.timestamped) return definition.valueSerde;
  let serde = storedSerdes.get(definition);
  if (serde === undefined) {
    serde = valueAndTimestampSerde(definition.valueSerde) as Serde<unknown>;
    storedSerdes.set(definition, serde);
  }
  return serde;
}

/** The key-value store processors use: values are ValueAndTimestamp when the store is timestamped. */
export function keyValueStoreOf(
  definition: StoreDefinition,
  bytes: KeyValueBytesStore,
): KeyValueStore<unknown, unknown> {
  return new TypedKeyValueStore(bytes, definition.keySerde, storedValueSerde(definition));
}

/** The store as queries and tests read it by default: plain values, whether or not it keeps timestamps. */
export function plainKeyValueStoreOf(
  definition: StoreDefinition,
  typed: KeyValueStore<unknown, unknown>,
): KeyValueStore<unknown, unknown> {
  return definition.timestamped
    ? new KeyValueStoreFacade(typed as KeyValueStore<unknown, ValueAndTimestamp<unknown>>)
    : typed;
}
