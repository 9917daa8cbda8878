// Runs one task: one partition of one sub-topology, as Kafka Streams' StreamTask minus
// the Kafka parts. It instantiates the sub-topology's processors (one instance per task),
// wires forward() depth-first, gives each processor its context and stores, tracks
// stream time, fires punctuators, deserializes input with the source serdes and hands
// serialized output to a RecordCollector. Whoever owns the task (the Kafka runtime, the
// TopologyTestDriver) feeds it records and clock ticks, one call at a time.
//
// It reads the Topology as data and never imports the DSL or kafkajs. The task's instance
// of its sub-topology is built by task-graph.ts; sources' own timestamp extractors run
// through partition-time-extraction.ts; forward() is record-forwarder.ts, the record context
// task-record-context.ts, the punctuators task-punctuation.ts and the order of calls
// serial-calls.ts.
import { DeserializationError } from "../serdes/errors.js";
import type { KeyValueStore } from "../stores/key-value-store.js";
import type { RecordMetadata } from "../topology/record.js";
import type { Topology } from "../topology/topology.js";
import { matchesWhole } from "../topology/topic-pattern.js";
import { storeSerdeTopic } from "../topology/store-serde-topic.js";
import type { ConsumedRecord } from "./consumed-record.js";
import { ProcessorNodeCounters } from "./node-counters.js";
import type { TaskServices } from "./processor-context.js";
import type { RuntimeNode, SourceNodeRuntime } from "./processor-node.js";
import { InvalidTimestampError, NotASourceTopicError, ProcessorError, TaskClosedError } from "./processing-errors.js";
import type { RecordCollector } from "./record-collector.js";
import type { StateStoreProvider, TaskStoreContext } from "./state-store-provider.js";
import { isCachedStore } from "../stores/cached-store.js";
import type { StateStore } from "../stores/state-store.js";
import { StreamTime } from "./stream-time.js";
import { timestampExtractorFunction } from "./timestamp-extraction.js";
import type { TimestampExtractor, TimestampExtractorFunction } from "../topology/timestamp-extractor.js";
import { taskId as formatTaskId } from "./task-id.js";
import { PartitionTimeExtraction } from "./partition-time-extraction.js";
import { ProcessorMetadata } from "./processor-metadata.js";
import { buildTaskGraph, initProcessors } from "./task-graph.js";
import { RecordForwarder } from "./record-forwarder.js";
import { TaskPunctuation } from "./task-punctuation.js";
import { TaskRecordContext } from "./task-record-context.js";
import { SerialCalls } from "./serial-calls.js";

export interface TaskExecutorOptions {
  readonly topology: Topology;
  readonly applicationId: string;
  readonly subtopology: number;
  readonly partition: number;
  readonly stores: StateStoreProvider;
  readonly collector: RecordCollector;
  /** The wall clock (ms): drives wall-clock punctuators and currentSystemTimeMs(). Date.now by default. */
  readonly clock?: () => number;
  /** What processors get from context.appConfigs(): the application's configuration. */
  readonly appConfigs?: Readonly<Record<string, unknown>>;
  /** For sources without a timestampExtractor of their own: the config's default (failOnInvalidTimestamp). */
  readonly defaultTimestampExtractor?: TimestampExtractor;
  /** Told of each record a processor dropped on purpose (recordDropped()): the runtime logs and counts it. */
  readonly onDroppedRecord?: (event: DroppedRecord) => void;
  /**
   * The instance's global stores (GlobalKTables, addGlobalStore), by name: every processor
   * reads them with getStateStore() without being connected, as in Kafka Streams.
   */
  readonly globalStores?: ReadonlyMap<string, KeyValueStore<unknown, unknown>>;
  /**
   * Where the nodes count the records they process (Kafka Streams' process-total per node):
   * the runtime keeps one per task, so counts go on across a task's executors. New ones by default.
   */
  readonly nodeCounters?: ProcessorNodeCounters;
  /**
   * Where the task's last owner left off, from its committed offsets' metadata: the partition
   * time per input topic (the stream time starts at the largest) and the processor metadata.
   */
  readonly committed?: {
    readonly partitionTimes: ReadonlyMap<string, number>;
    readonly processorMetadata: ProcessorMetadata;
  };
}

/** A record a processor dropped on purpose, and why. */
export interface DroppedRecord {
  readonly taskId: string;
  readonly node: string;
  readonly reason: string;
  /** The input record being processed; undefined in a punctuator. */
  readonly metadata: RecordMetadata | undefined;
}

/**
 * What became of an input record. "dead-letter": it could not be read (a serde failed,
 * the timestamp is invalid); nothing was processed, and the caller sends
 * deadLetterRecord(...) to `<applicationId>-dlq` and carries on with the next record.
 */
export type ProcessOutcome =
  | { readonly status: "processed" }
  | { readonly status: "dead-letter"; readonly error: DeserializationError | InvalidTimestampError }
  /** Its extractor gave it a negative timestamp: dropped, as Kafka Streams drops it (log it, count it). */
  | { readonly status: "skipped"; readonly timestamp: number };

const PROCESSED: ProcessOutcome = Object.freeze({ status: "processed" });

function metadataOf(record: ConsumedRecord): RecordMetadata {
  return { topic: record.topic, partition: record.partition, offset: record.offset };
}

export class TaskExecutor {
  readonly taskId: string;
  readonly applicationId: string;
  readonly subtopology: number;
  readonly partition: number;
  /** The task's nodes, their children, its sources and their extractors (task-graph.ts). */
  #nodes = new Map<string, RuntimeNode>();
  #sourcesByTopic = new Map<string, SourceNodeRuntime>();
  #patternSources: SourceNodeRuntime[] = [];
  /** Extractors of the sources that do not use the default one. */
  #extractors = new Map<SourceNodeRuntime, TimestampExtractorFunction>();
  readonly #stores = new Map<string, StateStore>();
  readonly #streamTime = new StreamTime();
  readonly #clock: () => number;
  readonly #context = new TaskRecordContext();
  /** Delivers to the task's nodes once #initialize has built them. */
  #forwarder!: RecordForwarder;
  readonly #punctuation: TaskPunctuation;
  readonly #onDroppedRecord: ((event: DroppedRecord) => void) | undefined;
  #droppedRecords = 0;
  readonly #defaultExtractor: TimestampExtractorFunction;
  readonly #timestamps: PartitionTimeExtraction;
  readonly #processorMetadata: ProcessorMetadata;
  #commitRequested = false;
  readonly #appConfigs: Readonly<Record<string, unknown>>;
  readonly #calls = new SerialCalls();
  /** #step as a function made once: process() passes it with the record, not a closure per record. */
  readonly #stepRecord = (record: ConsumedRecord): ProcessOutcome | Promise<ProcessOutcome> => this.#step(record);
  #closed = false;

  private constructor(options: TaskExecutorOptions) {
    this.applicationId = options.applicationId;
    this.subtopology = options.subtopology;
    this.partition = options.partition;
    this.taskId = formatTaskId(options.subtopology, options.partition);
    this.#clock = options.clock ?? Date.now;
    this.#punctuation = new TaskPunctuation(this.taskId, this.#clock, this.#context);
    this.#appConfigs = Object.freeze({ ...(options.appConfigs ?? { applicationId: options.applicationId }) });
    this.#onDroppedRecord = options.onDroppedRecord;
    this.#defaultExtractor = timestampExtractorFunction(options.defaultTimestampExtractor ?? "failOnInvalidTimestamp");
    this.#timestamps = new PartitionTimeExtraction(options.committed?.partitionTimes);
    this.#processorMetadata = options.committed?.processorMetadata ?? new ProcessorMetadata();
    for (const time of options.committed?.partitionTimes.values() ?? []) this.#streamTime.observe(time);
  }

  /** Opens the task's stores, creates its processors and runs their init(), in topology order. */
  static async create(options: TaskExecutorOptions): Promise<TaskExecutor> {
    const executor = new TaskExecutor(options);
    await executor.#initialize(options);
    return executor;
  }

  /** The physical topics this task reads. */
  get sourceTopics(): string[] {
    return [...this.#sourcesByTopic.keys()];
  }

  get streamTime(): number {
    return this.#streamTime.value;
  }

  /** The largest timestamp a store of this task has seen, for a store that keeps one (versioned stores). */
  storeStreamTime(name: string): number | undefined {
    const store = this.#stores.get(name) as { readonly observedStreamTime?: unknown } | undefined;
    return typeof store?.observedStreamTime === "number" ? store.observedStreamTime : undefined;
  }

  /** The partition time of the task's partition of `topic` (-1 before any record): committed with its offset. */
  partitionTime(topic: string): number {
    return this.#timestamps.partitionTime(topic);
  }

  /** What processors set with addProcessorMetadataKeyValue(): committed with the task's offsets. */
  get processorMetadata(): ProcessorMetadata {
    return this.#processorMetadata;
  }

  /** Whether a processor called context.commit() since the last call; the caller commits when it did. */
  takeCommitRequest(): boolean {
    const requested = this.#commitRequested;
    this.#commitRequested = false;
    return requested;
  }

  /** Records processors dropped on purpose (ProcessorContext.recordDropped()) since the task was created. */
  get droppedRecords(): number {
    return this.#droppedRecords;
  }

  /**
   * Processes one input record through the sub-topology, then fires the stream-time
   * punctuators it made due. Rejects with ProcessorError when a processor fails; the
   * caller must then abandon the task's uncommitted work (abort the transaction).
   */
  process(record: ConsumedRecord): Promise<ProcessOutcome> {
    return this.#calls.run(this.#stepRecord, record);
  }

  /**
   * process() for a caller that makes one call at a time and waits for it (the stream
   * task's loop): the outcome itself when the record went through synchronously (no
   * promise, no microtask), else a promise of it. Throws what process() would reject with.
   */
  processNow(record: ConsumedRecord): ProcessOutcome | Promise<ProcessOutcome> {
    return this.#calls.now(this.#stepRecord, record);
  }

  /**
   * One record through the sub-topology. Processors and sinks that finish synchronously
   * are not awaited, so a record costs as few promises as its processors make: none
   * when they all finish at once.
   */
  #step(record: ConsumedRecord): ProcessOutcome | Promise<ProcessOutcome> {
    if (this.#closed) throw new TaskClosedError(this.taskId);
    const source = this.#sourcesByTopic.get(record.topic) ?? this.#patternSourceOf(record.topic);
    if (source === undefined) throw new NotASourceTopicError(record.topic, this.taskId, this.sourceTopics);
    const extractor = this.#extractors.size === 0 ? undefined : this.#extractors.get(source);
    if (extractor === undefined && !(record.timestamp >= 0 && Number.isFinite(record.timestamp))) {
      return { status: "dead-letter", error: new InvalidTimestampError(record.timestamp, metadataOf(record)) };
    }
    let typed = source.deserialize(record);
    if (typed instanceof DeserializationError) return { status: "dead-letter", error: typed };
    if (extractor !== undefined) {
      const extracted = this.#timestamps.extract(extractor, record, typed, metadataOf(record));
      if (typeof extracted !== "number") return extracted;
      if (extracted !== typed.timestamp) typed = { ...typed, timestamp: extracted };
    } else {
      this.#timestamps.observe(record.topic, typed.timestamp);
    }

    this.#streamTime.observe(typed.timestamp);
    this.#context.enter(record);
    source.counter.processed += 1;
    let pending: Promise<void> | undefined;
    try {
      pending = this.#forwarder.forward(source, typed, undefined);
    } finally {
      if (pending === undefined) this.#context.metadata = undefined;
    }
    if (pending !== undefined) return this.#finish(pending);
    if (!this.#punctuation.noStreamTimePunctuators)
      return this.#punctuation.punctuate("stream-time", this.#streamTime.value).then(() => PROCESSED);
    return PROCESSED;
  }

  async #finish(pending: Promise<void>): Promise<ProcessOutcome> {
    try {
      await pending;
    } finally {
      this.#context.metadata = undefined;
    }
    if (!this.#punctuation.noStreamTimePunctuators)
      await this.#punctuation.punctuate("stream-time", this.#streamTime.value);
    return PROCESSED;
  }

  /** Fires the wall-clock punctuators due at `now` (the executor's clock by default); returns how many fired. */
  punctuateWallClock(now: number = this.#clock()): Promise<number> {
    return this.#whenOpen(() => this.#punctuation.punctuate("wall-clock-time", now));
  }

  /**
   * Forwards what the record cache holds (each cached store's dirty keys, in store
   * order), as Kafka Streams flushes its caches before a commit: the caller commits
   * after, so that what was forwarded joins the same transaction.
   */
  flushCaches(): Promise<void> {
    return this.#whenOpen(async () => {
      for (const store of this.#stores.values()) {
        if (!isCachedStore(store)) continue;
        try {
          await store.flushCache();
        } catch (error) {
          if (error instanceof ProcessorError) throw error;
          throw new ProcessorError(store.name, this.taskId, undefined, error);
        }
      }
    });
  }

  /**
   * Closes the processors (close() in topology order) and drops what the record cache
   * holds for the task, unflushed. The stores stay open: they belong to the provider.
   */
  close(): Promise<void> {
    return this.#calls.queue(async () => {
      if (this.#closed) return;
      this.#closed = true;
      for (const store of this.#stores.values()) if (isCachedStore(store)) store.closeCache();
      const failures: unknown[] = [];
      for (const node of this.#nodes.values()) {
        if (node.kind !== "processor") continue;
        try {
          await node.processor.close?.();
        } catch (error) {
          failures.push(new ProcessorError(node.name, this.taskId, undefined, error));
        }
      }
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1)
        throw new AggregateError(failures, `Closing task ${this.taskId} failed in ${failures.length} processors`);
    }, undefined);
  }

  /** After the calls before it, failing with TaskClosedError once the task is closed. */
  #whenOpen<T>(work: () => Promise<T>): Promise<T> {
    return this.#calls.queue(() => {
      if (this.#closed) throw new TaskClosedError(this.taskId);
      return work();
    }, undefined);
  }

  async #initialize(options: TaskExecutorOptions): Promise<void> {
    const { topology } = options;
    const storeContext: TaskStoreContext = {
      taskId: this.taskId,
      cache: {
        recordContext: (reuse) => this.#context.recordContext(reuse),
        runInContext: (context, work) => this.#context.runInRecordContext(context, work),
      },
      serdeTopic: (definition) => storeSerdeTopic(topology, this.applicationId, definition),
    };
    for (const definition of topology.storesOf(options.subtopology)) {
      this.#stores.set(definition.name, await options.stores.getStore(definition, storeContext));
    }
    const globalStores = [...(options.globalStores ?? [])].filter(([name]) => !this.#stores.has(name));
    for (const [name, store] of globalStores) this.#stores.set(name, store);
    const graph = buildTaskGraph({
      topology,
      applicationId: this.applicationId,
      subtopology: options.subtopology,
      taskId: this.taskId,
      collector: options.collector,
      services: this.#services(topology.defaultSerdes),
      globalStoreNames: globalStores.map(([name]) => name),
      defaultExtractor: this.#defaultExtractor,
      counters: options.nodeCounters ?? new ProcessorNodeCounters(),
    });
    this.#nodes = graph.nodes;
    this.#forwarder = new RecordForwarder(this.taskId, graph, this.#context);
    this.#sourcesByTopic = graph.sourcesByTopic;
    this.#patternSources = graph.patternSources;
    this.#extractors = graph.extractors;
    await initProcessors(graph, this.taskId);
  }

  #services(defaultSerdes: TaskServices["defaultSerdes"]): TaskServices {
    return {
      applicationId: this.applicationId,
      taskId: this.taskId,
      forward: (from, record, childName) => this.#forwarder.forwardFromProcessor(from, record, childName),
      store: (name) => {
        const store = this.#stores.get(name);
        if (store === undefined) throw new RangeError(`Task ${this.taskId} has no store "${name}"`);
        return store;
      },
      schedule: (node, intervalMs, type, punctuator) => this.#punctuation.schedule(node, intervalMs, type, punctuator),
      recordMetadata: () => this.#context.metadata,
      recordContext: () => this.#context.recordContext(),
      streamTime: () => this.#streamTime.value,
      wallClockTime: () => this.#clock(),
      requestCommit: () => {
        this.#commitRequested = true;
      },
      appConfigs: this.#appConfigs,
      defaultSerdes,
      processorMetadata: this.#processorMetadata,
      droppedRecord: (node, reason) => {
        this.#droppedRecords += 1;
        this.#onDroppedRecord?.({ taskId: this.taskId, node, reason, metadata: this.#context.metadata });
      },
    };
  }

  #patternSourceOf(topic: string): SourceNodeRuntime | undefined {
    const source = this.#patternSources.find((node) => matchesWhole(node.definition.pattern as RegExp, topic));
    if (source !== undefined) this.#sourcesByTopic.set(topic, source);
    return source;
  }
}
