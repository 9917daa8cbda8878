// A key-value state store as a user declares it, for StreamsBuilder.addStateStore(),
// Topology.addStateStore() and a processor supplier's stores(): Kafka Streams'
// StoreBuilder, as a plain object. Adding the same object twice shares one store;
// another object with the same name is an error.
import type { Serde } from "../serdes/serde.js";

export interface StateStoreOptions<K, V> {
  name: string;
  key: Serde<K>;
  value: Serde<V>;
  /** LevelDB when true (the default), in memory when false. */
  persistent?: boolean;
  /** Backed by the compacted changelog topic `<applicationId>-<name>-changelog` (default true). */
  logging?: boolean;
  /**
   * Keep each value with a timestamp (Kafka Streams' timestamped key-value store): the
   * processors then read and write `ValueAndTimestamp<V>`. Default false.
   */
  timestamped?: boolean;
  /** Behind the record cache (Kafka Streams' StoreBuilder.withCachingEnabled()): reads answered from memory. Default false. */
  caching?: boolean;
}
