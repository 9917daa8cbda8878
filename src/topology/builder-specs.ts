// What the builder's add calls take (InternalTopologyBuilder.addSource, addProcessor,
// addSink, addStore, addGlobalStore): the DSL and the Processor API fill these in.
import type { ZodType } from "zod";
import type { ProcessorSupplier, StreamPartitioner, TopicNameExtractor } from "./processor.js";
import type { Serde } from "../serdes/serde.js";
import type { VersionedStoreSpec } from "../stores/versioned-key-schema.js";
import type { StoreType } from "../stores/store-type.js";
import type { TimestampExtractor } from "./timestamp-extractor.js";
import type { AutoOffsetReset, WindowedStoreSpec } from "./topology-data.js";

// Serdes and suppliers are kept without their type parameters: the graph holds
// nodes of every type, and the DSL classes are what keep the types straight.
export type AnySerde = Serde<unknown>;
export type AnySupplier = ProcessorSupplier<unknown, unknown, unknown, unknown>;

/** A handleCommands() node's schema and key serde; a missing key serde fails build() on the node's store. */
export interface CommandHandlerSpec {
  readonly schema: ZodType | undefined;
  readonly keySerde: AnySerde | undefined;
}

export interface SourceSpec {
  name: string;
  /** The topics read; none when `pattern` subscribes by regular expression. */
  topics: readonly string[];
  pattern?: RegExp;
  /** Where to start a partition the group has no committed offset for (default: the earliest). */
  autoOffsetReset?: AutoOffsetReset;
  internal?: boolean;
  keySerde: Serde<unknown> | undefined;
  valueSerde: Serde<unknown> | undefined;
  timestampExtractor?: TimestampExtractor | undefined;
}

export interface ProcessorSpec {
  name: string;
  operation: string;
  supplier: AnySupplier;
  parents: readonly string[];
  stores?: readonly string[];
  /** For handleCommands(): what it accepts, kept on the node (ProcessorNode.commandHandler). */
  commandHandler?: CommandHandlerSpec;
  /** A stream-stream join's merge node: how single.store.self.join rewrites the join. */
  selfJoin?: SelfJoinRewrite;
}

/**
 * A stream-stream join as single.store.self.join may rewrite it when both sides are one
 * stream (Kafka Streams' StreamStreamJoinNode.setSelfJoin): the other side's windowed node,
 * both join sides and their other stores go, and the merge node becomes `supplier`, fed by
 * this side's windowed node and reading its store.
 */
export interface SelfJoinRewrite {
  readonly thisWindowed: string;
  readonly otherWindowed: string;
  readonly joinThis: string;
  readonly joinOther: string;
  readonly thisStore: string;
  /** The other side's store and a left or outer join's shared store, no longer needed. */
  readonly unusedStores: readonly string[];
  readonly supplier: AnySupplier;
}

export interface SinkSpec {
  name: string;
  parents: readonly string[];
  topic?: string;
  topicExtractor?: TopicNameExtractor<unknown, unknown>;
  extractorDescription?: string;
  internal?: boolean;
  keySerde: Serde<unknown> | undefined;
  valueSerde: Serde<unknown> | undefined;
  partitioner?: StreamPartitioner<unknown, unknown>;
  serdeHint: SerdeHint;
}

export interface StoreSpec {
  name: string;
  /** "keyValue" when absent. */
  type?: StoreType;
  /** Values kept as ValueAndTimestamp (the DSL's tables and aggregates); false when absent. */
  timestamped?: boolean;
  /** Behind the record cache (the DSL's tables and aggregates, unless told not to); false when absent. */
  caching?: boolean;
  /** A window or session store's windows and retention (type "window" or "session"). */
  windowed?: WindowedStoreSpec;
  /** A versioned store's history retention and segment interval (type "versioned"). */
  versioned?: VersionedStoreSpec;
  keySerde: Serde<unknown> | undefined;
  valueSerde: Serde<unknown> | undefined;
  persistent?: boolean;
  logging?: boolean;
  /** A source table's store: its topic (topology.optimization reuse.ktable.source.topics makes it the changelog). */
  tableSourceTopic?: string;
  userAdded?: boolean;
  /** Eddy's own bookkeeping (an idempotency store), not the application's state: not queryable by default. */
  internal?: boolean;
  serdeHint: SerdeHint;
  /** Adding a store twice from the same object shares it (Kafka Streams' same StoreBuilder); another object with the name is an error. */
  origin?: object;
}

/** A global store with the source that reads its topic and the processor that keeps it (Kafka Streams' addGlobalStore). */
export interface GlobalStoreSpec {
  store: Omit<StoreSpec, "logging">;
  sourceName: string;
  topic: string;
  keySerde: Serde<unknown> | undefined;
  valueSerde: Serde<unknown> | undefined;
  timestampExtractor?: TimestampExtractor | undefined;
  processorName: string;
  operation: string;
  supplier: AnySupplier;
}

/**
 * How to fix a missing serde, for the error message: one text for both parts ("{part}"
 * stands for "key" or "value") or one per part.
 */
export type SerdeHint = string | { readonly key: string; readonly value: string };
