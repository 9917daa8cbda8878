// The graph as the builder keeps it until build() freezes it: nodes and stores as they
// were added, serdes possibly missing (the configuration's defaults may fill them later).
import type { StreamPartitioner, TopicNameExtractor } from "./processor.js";
import type { VersionedStoreSpec } from "../stores/versioned-key-schema.js";
import type { StoreType } from "../stores/store-type.js";
import type { TimestampExtractor } from "./timestamp-extractor.js";
import type { AutoOffsetReset, WindowedStoreSpec } from "./topology-data.js";
import type { AnySerde, AnySupplier, CommandHandlerSpec, SelfJoinRewrite, SerdeHint } from "./builder-specs.js";

/** A serde as given, or the configuration's default, or the MissingSerdeError kept for it. */
export type FillSerde = (serde: AnySerde | undefined, owner: string, part: "key" | "value") => AnySerde;

export interface PendingSource {
  readonly kind: "source";
  readonly name: string;
  /** Empty when the source subscribes by `pattern`. */
  readonly topics: readonly string[];
  readonly pattern: RegExp | undefined;
  readonly autoOffsetReset: AutoOffsetReset | undefined;
  readonly internal: boolean;
  readonly keySerde: AnySerde | undefined;
  readonly valueSerde: AnySerde | undefined;
  readonly timestampExtractor: TimestampExtractor | undefined;
  readonly predecessors: readonly string[];
}

export interface PendingProcessor {
  readonly kind: "processor";
  readonly name: string;
  readonly operation: string;
  readonly supplier: AnySupplier;
  readonly predecessors: readonly string[];
  readonly stores: string[];
  readonly commandHandler: CommandHandlerSpec | undefined;
  readonly selfJoin?: SelfJoinRewrite | undefined;
}

export interface PendingSink {
  readonly kind: "sink";
  readonly name: string;
  readonly predecessors: readonly string[];
  readonly topic: string | undefined;
  readonly topicExtractor: TopicNameExtractor<unknown, unknown> | undefined;
  readonly extractorDescription: string | undefined;
  readonly internal: boolean;
  readonly keySerde: AnySerde | undefined;
  readonly valueSerde: AnySerde | undefined;
  readonly partitioner: StreamPartitioner<unknown, unknown> | undefined;
  /** What the user should pass, and to which call, when a serde is missing: "to()". */
  readonly serdeHint: SerdeHint;
}

export type PendingNode = PendingSource | PendingProcessor | PendingSink;

export interface PendingStore {
  readonly name: string;
  readonly type: StoreType;
  readonly timestamped: boolean;
  readonly caching: boolean;
  readonly windowed: WindowedStoreSpec | undefined;
  readonly versioned: VersionedStoreSpec | undefined;
  readonly keySerde: AnySerde | undefined;
  readonly valueSerde: AnySerde | undefined;
  readonly persistent: boolean;
  /** A DSL store no option made persistent or in-memory: the application's dslStoreSuppliers decide. */
  readonly persistentByDefault: boolean;
  readonly logging: boolean;
  /** The source topic that is the store's changelog (connectSourceStoreAndTopic). */
  readonly sourceChangelog: string | undefined;
  /** A source table's store: the table's topic, which reuse.ktable.source.topics makes its changelog. */
  readonly tableSourceTopic: string | undefined;
  /** Added with StreamsBuilder.addStateStore (an unused one is a mistake); DSL stores may stay unmaterialized. */
  readonly userAdded: boolean;
  readonly internal: boolean;
  readonly serdeHint: SerdeHint;
  /** The options object the store was added from: adding the same object again shares the store. */
  readonly origin: object | undefined;
  readonly global: boolean;
}
