// Options objects of the DSL: what Kafka Streams passes as Consumed, Produced, Grouped,
// Joined, Materialized, Repartitioned and Named, flattened into one object per call.
import type { VersionedStoreOptions } from "../store-options.js";
import type { StreamPartitioner } from "../processor.js";
import type { AutoOffsetReset } from "../topology.js";
import type { Serde } from "../../serdes/serde.js";
import type { TimestampExtractor } from "../timestamp-extractor.js";

/** A serde for the non-null values of T: null never reaches a serde (it is Kafka's "no value"). */
export type SerdeOf<T> = Serde<NonNullable<T>>;

export interface Named {
  /** The node's name instead of a generated KSTREAM-...-0000000007 one. */
  name?: string;
}

export interface ConsumedOptions<K, V> extends Named {
  /** The configuration's defaultKeySerde when absent. */
  key?: Serde<K>;
  /** The configuration's defaultValueSerde when absent. */
  value?: Serde<V>;
  /**
   * Where to start a partition the application has never committed an offset for:
   * "earliest" (the default, as Kafka Streams), "latest", or "none" (fail).
   */
  autoOffsetReset?: AutoOffsetReset;
  /**
   * Where the records' timestamps come from (Kafka Streams' Consumed.withTimestampExtractor):
   * a built-in extractor by name or a function; the config's defaultTimestampExtractor
   * when absent.
   */
  timestampExtractor?: TimestampExtractor;
}

/** Where a KTable or aggregation keeps its rows. */
export interface MaterializedOptions {
  /** The store's name (queryable under it); generated when absent. */
  store?: string;
  /** LevelDB when true (the default), in memory when false. */
  persistent?: boolean;
  /** Keep a changelog topic `<applicationId>-<store>-changelog` (default true). */
  logging?: boolean;
  /**
   * Behind the record cache (default true, as Kafka Streams' Materialized): updates of a
   * key are folded until the next commit, and downstream sees the latest once. False
   * forwards every update.
   */
  caching?: boolean;
}

export interface TableOptions<K, V> extends ConsumedOptions<K, V>, MaterializedOptions {
  /**
   * Materialize the table in a versioned store (KIP-914): out-of-order updates become
   * versions of the past instead of overwriting newer rows, and a stream-table join reads
   * the row as of each stream record's time. Spread Stores.persistentVersionedKeyValueStore()
   * into the options. Versioned stores are not cached, as in Kafka Streams.
   */
  versioned?: VersionedStoreOptions;
}

/**
 * StreamsBuilder.globalTable(): the serdes and timestamps of the topic, and the store. A
 * global store has no changelog (its topic is one) and reads every partition from the
 * start, whatever the offset reset.
 */
export interface GlobalTableOptions<K, V> extends Named {
  key?: Serde<K>;
  value?: Serde<V>;
  timestampExtractor?: TimestampExtractor;
  /** The store's name (queryable under it); `<topic>-STATE-STORE-<index>` when absent. */
  store?: string;
  /** LevelDB when true (the default), in memory when false. */
  persistent?: boolean;
}

export type { StateStoreOptions, VersionedStoreOptions } from "../store-options.js";

export interface ProducedOptions<K, V> extends Named {
  key?: SerdeOf<K>;
  value?: SerdeOf<V>;
  partitioner?: StreamPartitioner<K, V>;
}

export interface RepartitionOptions<K, V> extends Named {
  key?: SerdeOf<K>;
  value?: SerdeOf<V>;
  /** Partitions of the repartition topic; by default as many as the upstream source topics. */
  partitions?: number;
  partitioner?: StreamPartitioner<K, V>;
}

export interface GroupedOptions<K, V> {
  key?: SerdeOf<K>;
  value?: SerdeOf<V>;
  /** Names the repartition topic (`<applicationId>-<name>-repartition`) and its nodes. */
  name?: string;
}

export interface JoinedOptions<K, V> extends Named {
  /** Serdes of the stream side, used if it must be repartitioned before the join (and by a grace buffer). */
  key?: SerdeOf<K>;
  value?: SerdeOf<V>;
  /**
   * Kafka Streams' Joined.withGracePeriod (KIP-923), for a join with a versioned table:
   * stream records wait until stream time has passed them by this much before they look
   * the table up (as of their own time), so late table updates are still seen. At most the
   * table's history retention.
   */
  gracePeriodMs?: number;
}

export interface AggregateOptions<VA> extends Named, MaterializedOptions {
  value?: SerdeOf<VA>;
}

export interface TableTransformOptions<VR> extends Named, MaterializedOptions {
  value?: SerdeOf<VR>;
}

/** A foreign-key join's options: Kafka Streams' TableJoined (name, partitioners) and Materialized. */
export interface ForeignKeyJoinOptions<K, KO, VR> extends TableTransformOptions<VR> {
  /**
   * How the left table's topic is partitioned, if not by the default partitioner: the
   * responses go back to the partition it gives a left key (Kafka Streams' TableJoined
   * partitioner). By default, to the partition the left row was read from.
   */
  partitioner?: StreamPartitioner<K, unknown>;
  /** How the right table's topic is partitioned, if not by the default partitioner: the subscriptions follow it. */
  otherPartitioner?: StreamPartitioner<KO, unknown>;
}

/** KStream.toTable(): the table's store, and serdes that override the stream's. */
export interface ToTableOptions<K, V> extends Named, MaterializedOptions {
  key?: SerdeOf<K>;
  value?: SerdeOf<V>;
}

// What Kafka Streams calls a Materialized: options that say how to store a result.
const MATERIALIZATION_FIELDS = ["store", "persistent", "logging", "caching", "retention", "key", "value"] as const;

/**
 * Whether an operation's options are what Kafka Streams would take as a Materialized
 * (a store name, a store type, logging, caching or serdes) rather than a bare Named.
 * An unnamed materialization spends the name index Kafka Streams spends for it, so that
 * every name generated afterwards matches Kafka Streams' for the same calls.
 */
export function isMaterialization(options: object | undefined): boolean {
  if (options === undefined) return false;
  const fields = options as Readonly<Record<string, unknown>>;
  return MATERIALIZATION_FIELDS.some((field) => fields[field] !== undefined);
}
