// The Processor API, as Kafka Streams' org.apache.kafka.streams.processor.api: a
// processor is created once per task by its supplier, initialised with a context, fed
// one record at a time, and closed with the task. Everything is async because stores
// are: a processor awaits its store reads, and awaits forward(), which runs the
// downstream processors depth-first before it returns (the order Kafka Streams keeps).
import type { KeyValueStore } from "../stores/key-value-store.js";
import type { FixedKeyRecord } from "./fixed-key-record.js";
import type { RecordContext, RecordMetadata, StreamRecord } from "./record.js";
import type { StateStoreOptions } from "./store-options.js";
import type { Serde } from "../serdes/serde.js";

/**
 * "stream-time" punctuators fire when the task's stream time (the largest record
 * timestamp it has processed) passes their schedule; "wall-clock-time" ones when the
 * system clock does (the TopologyTestDriver's clock moves with advanceWallClockTime()).
 */
export type PunctuationType = "stream-time" | "wall-clock-time";

/** Called with the current stream time or wall-clock time, not the scheduled one. */
export type Punctuator = (timestamp: number) => void | Promise<void>;

export interface Cancellable {
  cancel(): void;
}

/**
 * What forward() returns when every downstream processor finished synchronously: a
 * settled promise a hot path may compare against instead of awaiting (an await costs
 * a microtask and a promise per record). Any other promise must be awaited.
 */
export const FORWARDED: Promise<void> = Promise.resolve();

export interface ProcessorContext<KOut = never, VOut = never> {
  readonly applicationId: string;
  /** `<subtopology>_<partition>`. */
  readonly taskId: string;
  /**
   * Sends a record to every child, or to the named child only. Resolves once the
   * downstream processors are done with it; always await it.
   */
  forward(record: StreamRecord<KOut, VOut>, childName?: string): Promise<void>;
  /** A store connected to this processor (process(..., { stores }) or the DSL). */
  getStateStore<K, V>(name: string): KeyValueStore<K, V>;
  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
  /** Topic, partition and offset of the input record being processed; undefined in a punctuator. */
  recordMetadata(): RecordMetadata | undefined;
  /** recordMetadata() plus the timestamp and headers of the record this processor is handling. */
  recordContext(): RecordContext;
  /** The task's stream time: the largest timestamp processed so far (-1 before any record). */
  currentStreamTimeMs(): number;
  currentSystemTimeMs(): number;
  /**
   * Asks for the task's work to be committed as soon as the current record is done,
   * rather than at the next commit interval (Kafka Streams' context.commit()).
   */
  commit(): void;
  /** The application's configuration, as given to KafkaStreams (or the TopologyTestDriver). */
  appConfigs(): Readonly<Record<string, unknown>>;
  /** The configuration entries whose names start with `prefix`, with the prefix removed. */
  appConfigsWithPrefix(prefix: string): Readonly<Record<string, unknown>>;
  /**
   * Counts a record the processor dropped on purpose (a null key an aggregation cannot
   * group, a record too late for its window): the task's dropped-records metric, as
   * Kafka Streams' dropped-records sensor, with `reason` in the warning logged.
   */
  recordDropped(reason: string): void;
  /** The configuration's defaultKeySerde, if it has one (Kafka Streams' context.keySerde()). */
  keySerde(): Serde<unknown> | undefined;
  /** The configuration's defaultValueSerde, if it has one (Kafka Streams' context.valueSerde()). */
  valueSerde(): Serde<unknown> | undefined;
  /**
   * Sets a named number (a Java long) of the task's processor metadata, as Kafka Streams'
   * addProcessorMetadataKeyValue: committed with the task's offsets (in their metadata, as
   * Kafka Streams writes it) and back in processorMetadataForKey() after a restart or a move
   * of the task, as old as the committed state. Windowed aggregations that emit on window
   * close keep their last emit time here, under their store's name.
   */
  addProcessorMetadataKeyValue(key: string, value: number): void;
  /** A key of the task's processor metadata, as last set or committed; undefined when never set. */
  processorMetadataForKey(key: string): number | undefined;
}

export interface Processor<KIn, VIn, KOut = never, VOut = never> {
  init?(context: ProcessorContext<KOut, VOut>): void | Promise<void>;
  process(record: StreamRecord<KIn, VIn>): void | Promise<void>;
  close?(): void | Promise<void>;
}

/** Called once per task: it must return a new processor each time (processors keep per-task state). */
export type ProcessorSupplier<KIn, VIn, KOut = never, VOut = never> = () => Processor<KIn, VIn, KOut, VOut>;

/**
 * A supplier that brings its own stores, as Kafka Streams' ProcessorSupplier with
 * stores() (ConnectedStoreProvider): the stores are added and connected with it.
 */
export interface ConnectedProcessorSupplier<KIn, VIn, KOut = never, VOut = never> {
  get(): Processor<KIn, VIn, KOut, VOut>;
  stores?(): readonly StateStoreOptions<unknown, unknown>[];
}

/** What process() and Topology.addProcessor() take: a function, or an object with get() (and stores()). */
export type AnyProcessorSupplier<KIn, VIn, KOut = never, VOut = never> =
  ProcessorSupplier<KIn, VIn, KOut, VOut> | ConnectedProcessorSupplier<KIn, VIn, KOut, VOut>;

/** The supplier as a function, and the stores it brings. */
export function unpackSupplier<KIn, VIn, KOut, VOut>(
  supplier: AnyProcessorSupplier<KIn, VIn, KOut, VOut>,
): { supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>; stores: readonly StateStoreOptions<unknown, unknown>[] } {
  if (typeof supplier === "function") return { supplier, stores: [] };
  if (typeof supplier !== "object" || supplier === null || typeof supplier.get !== "function") {
    throw new TypeError("A processor supplier is a function returning a processor, or an object with get()");
  }
  return { supplier: () => supplier.get(), stores: supplier.stores?.() ?? [] };
}

/**
 * The context of a processValues() processor: forward() takes only FixedKeyRecords,
 * made from the input with withValue() / withTimestamp() / withHeaders(), so the key
 * cannot change and the stream needs no repartitioning (Kafka Streams'
 * FixedKeyProcessorContext).
 */
export interface FixedKeyProcessorContext<K, VOut> extends Omit<ProcessorContext<K, VOut>, "forward"> {
  forward(record: FixedKeyRecord<K, VOut>, childName?: string): Promise<void>;
}

export interface FixedKeyProcessor<KIn, VIn, VOut = never> {
  init?(context: FixedKeyProcessorContext<KIn, VOut>): void | Promise<void>;
  process(record: FixedKeyRecord<KIn, VIn>): void | Promise<void>;
  close?(): void | Promise<void>;
}

/** Called once per task: it must return a new processor each time. */
export type FixedKeyProcessorSupplier<KIn, VIn, VOut = never> = () => FixedKeyProcessor<KIn, VIn, VOut>;

/**
 * Picks the topic of each record for a dynamic sink (Kafka Streams' TopicNameExtractor):
 * the record, and the context it was processed in (input topic, partition, offset).
 */
export type TopicNameExtractor<K, V> = (record: StreamRecord<K, V>, recordContext: RecordContext) => string;

/**
 * Picks the partition of each record a sink writes (Kafka Streams' StreamPartitioner);
 * undefined leaves it to the default partitioner (murmur2 of the key bytes).
 */
export type StreamPartitioner<K, V> = (topic: string, key: K, value: V, numPartitions: number) => number | undefined;
