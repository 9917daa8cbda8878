// The public API of Eddy. Everything not exported here (or from the ./broker and
// ./testing subpaths) is internal.
export { VERSION } from "./version.js";

// Serdes
export type { Serde, Serializer, Deserializer, SerdeContext } from "./serdes/serde.js";
export { Serdes } from "./serdes/serdes.js";
export type { LongSerde, ZodSerde } from "./serdes/serdes.js";
export { DeserializationError, SerializationError } from "./serdes/errors.js";
export { windowedToString } from "./serdes/windowed.js";
export type { Window, Windowed } from "./serdes/windowed.js";

// State stores
export type {
  KeyValue,
  ReadOnlyKeyValueStore,
  KeyValueStore,
  KeyValueBytesStore,
  BytesRange,
} from "./stores/key-value-store.js";
export { InMemoryKeyValueBytesStore } from "./stores/in-memory-bytes-store.js";
export { NO_TIMESTAMP, valueAndTimestamp, valueAndTimestampSerde, valueOrNull } from "./stores/value-and-timestamp.js";
export type { ValueAndTimestamp } from "./stores/value-and-timestamp.js";
export type { StoreType } from "./stores/store-type.js";
export { TypedKeyValueStore } from "./stores/typed-key-value-store.js";
export { TypedWindowStore } from "./stores/window-store.js";
export type { ReadOnlyWindowStore, WindowStore, WindowStoreOptions } from "./stores/window-store.js";
export { TypedSessionStore } from "./stores/session-store.js";
export type { ReadOnlySessionStore, SessionStore, SessionStoreOptions } from "./stores/session-store.js";
export {
  TypedVersionedKeyValueStore,
  PUT_RETURN_CODE_NOT_PUT,
  PUT_RETURN_CODE_VALID_TO_UNDEFINED,
} from "./stores/versioned-key-value-store.js";
export type {
  ReadOnlyVersionedKeyValueStore,
  VersionedKeyValueStore,
  VersionedRecord,
  VersionsQuery,
} from "./stores/versioned-key-value-store.js";
export { Stores } from "./topology/stores.js";
export type { WindowStoreSupplier } from "./topology/stores.js";
export { BuiltInDslStoreSuppliers } from "./topology/dsl-store-suppliers.js";
export type { DslStoreSuppliers } from "./topology/dsl-store-suppliers.js";
export type { VersionedStoreSupplier } from "./topology/stores.js";
export { ReadOnlyKeyValueView } from "./stores/read-only-key-value-view.js";
export {
  StoreClosedError,
  StoreNotFoundError,
  InvalidStoreNameError,
  StateDirectoryLockedError,
  StateStoreError,
  InvalidCheckpointError,
  StateCommitInProgressError,
} from "./stores/errors.js";

// The topology DSL and the Topology as data
export { StreamsBuilder } from "./topology/dsl/streams-builder.js";
export type { BuildProperties, TopologyConfig } from "./topology/dsl/streams-builder.js";
export { TopologyOptimization } from "./topology/topology-optimization.js";
export type { OptimizationRule } from "./topology/topology-optimization.js";
export { KStream } from "./topology/dsl/kstream.js";
export type { ProcessOptions } from "./topology/dsl/stateful-processor.js";
export type { PrintOptions } from "./topology/dsl/stream-sinks.js";
export type { PrintTarget } from "./topology/dsl/processors/print-processor.js";
export { KTable } from "./topology/dsl/ktable.js";
export type {
  ValueTransformerWithKey,
  ValueTransformerWithKeySupplier,
} from "./topology/dsl/processors/ktable-transform-values.js";
export { KGroupedStream } from "./topology/dsl/kgrouped-stream.js";
export type { CountOptions } from "./topology/dsl/kgrouped-stream.js";
export { CogroupedKStream } from "./topology/dsl/cogrouped-kstream.js";
export type { CogroupAggregateOptions } from "./topology/dsl/cogrouped-kstream.js";
export {
  SessionWindowedCogroupedKStream,
  TimeWindowedCogroupedKStream,
} from "./topology/dsl/windowed-cogrouped-kstream.js";
export { GlobalKTable } from "./topology/dsl/global-ktable.js";
export { KGroupedTable } from "./topology/dsl/kgrouped-table.js";
export { TimeWindows } from "./topology/dsl/time-windows.js";
export { JoinWindows } from "./topology/dsl/join-windows.js";
export { StreamJoined } from "./topology/dsl/stream-joined.js";
export type { StreamJoinedOptions, StreamJoiner, ValueJoinerWithKey } from "./topology/dsl/stream-joined.js";
export { TimeWindowedKStream } from "./topology/dsl/time-windowed-kstream.js";
export { EmitStrategy } from "./topology/dsl/emit-strategy.js";
export type { StrategyType } from "./topology/dsl/emit-strategy.js";
export { SlidingWindows } from "./topology/dsl/sliding-windows.js";
export { BufferConfig, EagerBufferConfig, StrictBufferConfig, Suppressed } from "./topology/dsl/suppressed.js";
export type { BufferFullStrategy } from "./topology/dsl/suppressed.js";
export { SessionWindows } from "./topology/dsl/session-windows.js";
export { SessionWindowedKStream } from "./topology/dsl/session-windowed-kstream.js";
export type { SessionCountOptions, SessionAggregateOptions } from "./topology/dsl/session-windowed-kstream.js";
export type { Merger } from "./topology/dsl/processors/kstream-session-window-aggregate.js";
export type {
  WindowedCountOptions,
  WindowedAggregateOptions,
  RetentionOptions,
} from "./topology/dsl/time-windowed-kstream.js";
export type { TableCountOptions } from "./topology/dsl/kgrouped-table.js";
export { BranchedKStream } from "./topology/dsl/branched-kstream.js";
export type { BranchOptions } from "./topology/dsl/branched-kstream.js";
export type {
  SerdeOf,
  Named,
  ConsumedOptions,
  MaterializedOptions,
  TableOptions,
  StateStoreOptions,
  VersionedStoreOptions,
  ProducedOptions,
  RepartitionOptions,
  GroupedOptions,
  JoinedOptions,
  AggregateOptions,
  TableTransformOptions,
  ForeignKeyJoinOptions,
  GlobalTableOptions,
  ToTableOptions,
} from "./topology/dsl/dsl-options.js";
export { RecordHeaders } from "./topology/headers.js";
export type { Header, HeaderValue, HeadersInit } from "./topology/headers.js";
export type { StreamRecord, RecordMetadata, RecordContext } from "./topology/record.js";
export { FixedKeyRecord } from "./topology/fixed-key-record.js";
export { BUILT_IN_TIMESTAMP_EXTRACTORS } from "./topology/timestamp-extractor.js";
export type {
  TimestampExtractor,
  TimestampExtractorFunction,
  BuiltInTimestampExtractor,
  ExtractableRecord,
} from "./topology/timestamp-extractor.js";
export type {
  Processor,
  ProcessorContext,
  ProcessorSupplier,
  ConnectedProcessorSupplier,
  AnyProcessorSupplier,
  FixedKeyProcessor,
  FixedKeyProcessorContext,
  FixedKeyProcessorSupplier,
  PunctuationType,
  Punctuator,
  Cancellable,
  TopicNameExtractor,
  StreamPartitioner,
} from "./topology/processor.js";
export type { Change } from "./topology/dsl/processors/change.js";
export {
  Topology,
  changelogTopicName,
  deadLetterTopicName,
  physicalTopicName,
  repartitionTopicName,
} from "./topology/topology.js";
export type {
  AutoOffsetReset,
  SourceOptions,
  SinkOptions,
  TopologyData,
  TopologyNode,
  SourceNode,
  ProcessorNode,
  CommandHandlerInfo,
  SinkNode,
  StoreDefinition,
  Subtopology,
  RepartitionTopic,
  CopartitionGroup,
} from "./topology/topology.js";
export { TopologyDescription } from "./topology/topology-description.js";
export type {
  NodeDescription,
  SubtopologyDescription,
  TopologyDescriptionJSON,
} from "./topology/topology-description.js";
export {
  TopologyError,
  DuplicateNameError,
  UnknownStoreError,
  MissingSerdeError,
  StorePlacementError,
  CopartitionError,
  InvalidOperationError,
  InvalidTopologyError,
  CommandRejectedError,
  SuppressionBufferFullError,
} from "./topology/errors.js";

// Command handling
export {
  CommandHeaders,
  IDEMPOTENCY_KEY_REUSED_CODE,
  INVALID_COMMAND_CODE,
  accept,
  reject,
  parseReplyEnvelope,
  replyEnvelopeSerde,
} from "./topology/command-handling.js";
export type {
  Accepted,
  Rejected,
  Decision,
  CommandContext,
  CommandIssue,
  HandleCommandsOptions,
  ReplyEnvelope,
  ReplyStatus,
} from "./topology/command-handling.js";

// Processing errors and dead letters (what a failed task or a dead-lettered record carries)
export {
  ProcessorError,
  InvalidTimestampError,
  StoreAccessError,
  UnknownChildError,
} from "./engine/processing-errors.js";
export { DeadLetterHeaders } from "./engine/dead-letter.js";

// Running a topology on Kafka
export { KafkaStreams } from "./app/kafka-streams.js";
export type { KafkaStreamsOptions, StreamsApiOptions } from "./app/kafka-streams.js";
export type { CloseOptions } from "./runtime/streams-runtime.js";
export { StreamsState } from "./runtime/streams-state.js";
export type { StateListener } from "./runtime/streams-state.js";
export type { StateRestoreListener } from "./runtime/state-restore-listener.js";
export type {
  QueryableStreams,
  StoreMetadata,
  KeyQueryMetadata,
  LocalTaskMetadata,
  LocalTaskState,
  StoreQueryOptions,
} from "./runtime/streams-metadata.js";
export type { HostTasks } from "./runtime/assignor.js";
export type { StreamsMetricsSnapshot, TaskRestoreProgress, LatencyStats } from "./runtime/metrics.js";
export type { TaskId } from "./engine/task-id.js";
export { parseStreamsConfig, streamsConfigSchema } from "./config/streams-config.js";
export type {
  StreamsConfig,
  ResolvedStreamsConfig,
  ProcessingGuarantee,
  ExceptionHandlerMode,
  ProductionExceptionHandlerMode,
  LogLevel,
} from "./config/streams-config.js";
export { ConfigError } from "./config/errors.js";
export type { ConfigIssue } from "./config/errors.js";
export { loadStreamsConfig, resolveStreamsConfig, readConfigFile, envLayers } from "./config/config-loader.js";
export type { ConfigLayer, LoadStreamsConfigOptions, LoadedStreamsConfig } from "./config/config-loader.js";
export { envVarName } from "./config/config-fields.js";
export {
  MissingSourceTopicError,
  CopartitioningError,
  IllegalStateError,
  TaskProcessingError,
  AssignmentError,
  StoreNotQueryableError,
  NoCommittedOffsetError,
  RecordRefusedError,
  RecordTooLargeError,
  InvalidRecordError,
  InvalidRecordTimestampError,
} from "./runtime/errors.js";
export { InternalTopicError } from "./kafka/errors.js";
export { UnknownOutputTopicError } from "./runtime/topic-partitions.js";
