// The Processor API, as Kafka Streams' org.apache.kafka.streams.processor.api: a
// processor is created once per task by its supplier, initialised with a context, fed
// one record at a time, and closed with the task. Everything is async because stores
// are: a processor awaits its store reads, and awaits forward(), which runs the
// downstream processors depth-first before it returns (the order Kafka Streams keeps).
import type { KeyValueStore } from "../stores/key-value-store.js";
import type { RecordMetadata, StreamRecord } from "./record.js";

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
  /** The task's stream time: the largest timestamp processed so far (-1 before any record). */
  currentStreamTimeMs(): number;
  currentSystemTimeMs(): number;
}

export interface Processor<KIn, VIn, KOut = never, VOut = never> {
  init?(context: ProcessorContext<KOut, VOut>): void | Promise<void>;
  process(record: StreamRecord<KIn, VIn>): void | Promise<void>;
  close?(): void | Promise<void>;
}

/** Called once per task: it must return a new processor each time (processors keep per-task state). */
export type ProcessorSupplier<KIn, VIn, KOut = never, VOut = never> = () => Processor<KIn, VIn, KOut, VOut>;

/** Picks the topic of each record for a dynamic sink (Kafka Streams' TopicNameExtractor). */
export type TopicNameExtractor<K, V> = (record: StreamRecord<K, V>) => string;

/**
 * Picks the partition of each record a sink writes (Kafka Streams' StreamPartitioner);
 * undefined leaves it to the default partitioner (murmur2 of the key bytes).
 */
export type StreamPartitioner<K, V> = (topic: string, key: K, value: V, numPartitions: number) => number | undefined;
