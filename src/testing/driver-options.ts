// What a TopologyTestDriver and its input topics are made with.
import type { Serde } from "../serdes/serde.js";
import type { TimestampExtractor } from "../topology/timestamp-extractor.js";
import type { DslStoreSuppliers } from "../topology/dsl-store-suppliers.js";

export interface TopologyTestDriverOptions {
  /** Prefixes repartition topics, changelogs and the dead-letter topic. Default "topology-test-driver". */
  applicationId?: string;
  /** Where stores keep their bytes: "memory" (default) or "leveldb". */
  stores?: "memory" | "leveldb";
  /** The state directory for LevelDB stores; a temporary one when absent. */
  stateDir?: string;
  /**
   * Keep the application's state in `stateDir` at close(), for a later driver to open
   * (a restart). By default close() removes `<stateDir>/<applicationId>`, as Kafka
   * Streams' driver cleans its state directory.
   */
  keepState?: boolean;
  /** The initial wall-clock time, ms since the epoch. Default: Date.now() at construction. */
  startTime?: number;
  /** The application configuration processors see through context.appConfigs(). */
  config?: Readonly<Record<string, unknown>>;
  /** For sources without a timestampExtractor of their own, as the config's defaultTimestampExtractor. */
  defaultTimestampExtractor?: TimestampExtractor;
  /**
   * The record cache, as the config's cacheMaxBytes (10 MiB by default, as Kafka
   * Streams): the driver flushes it after every record, so it only folds the updates of
   * one key that one record causes; 0 turns it off.
   */
  cacheMaxBytes?: number;
  /** Wherever the topology gives no key serde, as the config's defaultKeySerde: a serde, or a built-in one's name. */
  defaultKeySerde?: Serde<unknown> | string;
  /** Wherever the topology gives no value serde, as the config's defaultValueSerde. */
  defaultValueSerde?: Serde<unknown> | string;
  /**
   * The kind of the DSL stores nothing in the topology chose (neither the operation nor
   * the StreamsBuilder's TopologyConfig), as the config's dslStoreSuppliers: "rocksDB"
   * (persistent, the default) or "in_memory". The driver keeps every store in `stores`.
   */
  dslStoreSuppliers?: DslStoreSuppliers;
  /** As the config's defaultDslStore (Kafka Streams' default.dsl.store): dslStoreSuppliers wins. */
  defaultDslStore?: DslStoreSuppliers;
}

export interface InputTopicOptions {
  /** The timestamp of the first record piped without one. Default: the driver's start time. */
  startTimestamp?: number;
  /** How much the topic's time moves after each record piped without a timestamp. Default 0. */
  autoAdvance?: number;
}
