// Runs one task: one partition of one sub-topology, as Kafka Streams' StreamTask minus
// the Kafka parts. It instantiates the sub-topology's processors (one instance per task),
// wires forward() depth-first, gives each processor its context and stores, tracks
// stream time, fires punctuators, deserializes input with the source serdes and hands
// serialized output to a RecordCollector. Whoever owns the task (the Kafka runtime, the
// TopologyTestDriver) feeds it records and clock ticks, one call at a time.
//
// It reads the Topology as data and never imports the DSL or kafkajs. The task's instance
// of its sub-topology is built by task-graph.ts; sources' own timestamp extractors run
// through partition-time-extraction.ts.
import { DeserializationError } from "../serdes/errors.js";
import { RecordHeaders } from "../topology/headers.js";
import { FORWARDED } from "../topology/processor.js";
import type { KeyValueStore } from "../stores/key-value-store.js";
import type { Cancellable, PunctuationType, Punctuator } from "../topology/processor.js";
import type { RecordContext, RecordMetadata, StreamRecord } from "../topology/record.js";
import type { Topology } from "../topology/topology.js";
import { matchesWhole } from "../topology/topic-pattern.js";
import type { ConsumedRecord } from "./consumed-record.js";
import { ProcessorNodeCounters } from "./node-counters.js";
import type { TaskServices } from "./processor-context.js";
import type { ProcessorNodeRuntime, SourceNodeRuntime } from "./processor-node.js";
import type { RuntimeNode } from "./processor-node.js";
import {
  InvalidTimestampError,
  NotASourceTopicError,
  ProcessorError,
  TaskClosedError,
  UnknownChildError,
} from "./processing-errors.js";
import { PunctuationScheduler } from "./punctuation-scheduler.js";
import type { PunctuationSchedule } from "./punctuation-scheduler.js";
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
const RESOLVED: Promise<void> = Promise.resolve();

export class TaskExecutor {
  readonly taskId: string;
  readonly applicationId: string;
  readonly subtopology: number;
  readonly partition: number;
  /** The task's nodes, their children, its sources and their extractors (task-graph.ts). */
  #nodes = new Map<string, RuntimeNode>();
  #children = new Map<string, RuntimeNode[]>();
  #sourcesByTopic = new Map<string, SourceNodeRuntime>();
  #patternSources: SourceNodeRuntime[] = [];
  /** Extractors of the sources that do not use the default one. */
  #extractors = new Map<SourceNodeRuntime, TimestampExtractorFunction>();
  readonly #stores = new Map<string, StateStore>();
  readonly #streamTime = new StreamTime();
  readonly #streamTimePunctuations = new PunctuationScheduler();
  readonly #wallClockPunctuations = new PunctuationScheduler();
  readonly #clock: () => number;
  readonly #onDroppedRecord: ((event: DroppedRecord) => void) | undefined;
  #droppedRecords = 0;
  readonly #defaultExtractor: TimestampExtractorFunction;
  readonly #timestamps: PartitionTimeExtraction;
  readonly #processorMetadata: ProcessorMetadata;
  #metadata: RecordMetadata | undefined;
  /** The record the running processor handles (its timestamp and headers are the record context's). */
  #current: StreamRecord<unknown, unknown> | undefined;
  /** The time of the punctuation running, for the record context of a punctuator. */
  #punctuationTime = -1;
  #commitRequested = false;
  readonly #appConfigs: Readonly<Record<string, unknown>>;
  /** The last call scheduled; later calls start when it settles. */
  #tail: Promise<unknown> = RESOLVED;
  /** Calls scheduled and not finished: when none is, a call starts at once (no promise chained per record). */
  #outstanding = 0;
  #closed = false;

  private constructor(options: TaskExecutorOptions) {
    this.applicationId = options.applicationId;
    this.subtopology = options.subtopology;
    this.partition = options.partition;
    this.taskId = formatTaskId(options.subtopology, options.partition);
    this.#clock = options.clock ?? Date.now;
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
    if (this.#outstanding === 0) {
      this.#outstanding += 1;
      const result = this.#process(record);
      this.#tail = result;
      return result;
    }
    return this.#serialized(() => this.#process(record), "fail", true);
  }

  /**
   * process() for a caller that makes one call at a time and waits for it (the stream
   * task's loop): the outcome itself when the record went through synchronously (no
   * promise, no microtask), else a promise of it. Throws what process() would reject with.
   */
  processNow(record: ConsumedRecord): ProcessOutcome | Promise<ProcessOutcome> {
    if (this.#outstanding !== 0) return this.process(record);
    this.#outstanding += 1;
    let result: ProcessOutcome | Promise<ProcessOutcome>;
    try {
      result = this.#step(record);
    } catch (error) {
      this.#outstanding -= 1;
      throw error;
    }
    if (!(result instanceof Promise)) {
      this.#outstanding -= 1;
      return result;
    }
    const settled = result.finally(() => {
      this.#outstanding -= 1;
    });
    this.#tail = settled;
    return settled;
  }

  async #process(record: ConsumedRecord): Promise<ProcessOutcome> {
    try {
      return await this.#step(record);
    } finally {
      this.#outstanding -= 1;
    }
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
    const metadata: RecordMetadata = { topic: record.topic, partition: record.partition, offset: record.offset };
    const extractor = this.#extractors.size === 0 ? undefined : this.#extractors.get(source);
    if (extractor === undefined && !(record.timestamp >= 0 && Number.isFinite(record.timestamp))) {
      return { status: "dead-letter", error: new InvalidTimestampError(record.timestamp, metadata) };
    }
    let typed = source.deserialize(record);
    if (typed instanceof DeserializationError) return { status: "dead-letter", error: typed };
    if (extractor !== undefined) {
      const extracted = this.#timestamps.extract(extractor, record, typed, metadata);
      if (typeof extracted !== "number") return extracted;
      if (extracted !== typed.timestamp) typed = { ...typed, timestamp: extracted };
    } else {
      this.#timestamps.observe(record.topic, typed.timestamp);
    }

    this.#streamTime.observe(typed.timestamp);
    this.#metadata = metadata;
    source.counter.processed += 1;
    let pending: Promise<void> | undefined;
    try {
      pending = this.#forward(source, typed, undefined);
    } finally {
      if (pending === undefined) this.#metadata = undefined;
    }
    if (pending !== undefined) return this.#finish(pending);
    if (!this.#streamTimePunctuations.isEmpty)
      return this.#punctuate("stream-time", this.#streamTime.value).then(() => PROCESSED);
    return PROCESSED;
  }

  async #finish(pending: Promise<void>): Promise<ProcessOutcome> {
    try {
      await pending;
    } finally {
      this.#metadata = undefined;
    }
    if (!this.#streamTimePunctuations.isEmpty) await this.#punctuate("stream-time", this.#streamTime.value);
    return PROCESSED;
  }

  /** Fires the wall-clock punctuators due at `now` (the executor's clock by default); returns how many fired. */
  punctuateWallClock(now: number = this.#clock()): Promise<number> {
    return this.#serialized(() => this.#punctuate("wall-clock-time", now));
  }

  /**
   * Forwards what the record cache holds (each cached store's dirty keys, in store
   * order), as Kafka Streams flushes its caches before a commit: the caller commits
   * after, so that what was forwarded joins the same transaction.
   */
  flushCaches(): Promise<void> {
    return this.#serialized(async () => {
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
    return this.#serialized(async () => {
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
    }, "run");
  }

  /**
   * One call at a time: processing is sequential per task, whatever the caller does.
   * close() may repeat. `counted`: the work ends its own count (see #process).
   */
  #serialized<T>(work: () => Promise<T>, whenClosed: "fail" | "run" = "fail", counted = false): Promise<T> {
    this.#outstanding += 1;
    const start = async (): Promise<T> => {
      if (counted) return work();
      try {
        if (this.#closed && whenClosed === "fail") throw new TaskClosedError(this.taskId);
        return await work();
      } finally {
        this.#outstanding -= 1;
      }
    };
    const run = this.#tail.then(start, start);
    this.#tail = run;
    return run;
  }

  async #initialize(options: TaskExecutorOptions): Promise<void> {
    const { topology } = options;
    const storeContext: TaskStoreContext = {
      taskId: this.taskId,
      cache: {
        recordContext: () => this.#recordContext(),
        runInContext: (context, work) => this.#runInRecordContext(context, work),
      },
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
    this.#children = graph.children;
    this.#sourcesByTopic = graph.sourcesByTopic;
    this.#patternSources = graph.patternSources;
    this.#extractors = graph.extractors;
    await initProcessors(graph, this.taskId);
  }

  #services(defaultSerdes: TaskServices["defaultSerdes"]): TaskServices {
    return {
      applicationId: this.applicationId,
      taskId: this.taskId,
      forward: (from, record, childName) => this.#forwardFromProcessor(from, record, childName),
      store: (name) => {
        const store = this.#stores.get(name);
        if (store === undefined) throw new RangeError(`Task ${this.taskId} has no store "${name}"`);
        return store;
      },
      schedule: (node, intervalMs, type, punctuator) => this.#schedule(node, intervalMs, type, punctuator),
      recordMetadata: () => this.#metadata,
      recordContext: () => this.#recordContext(),
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
        this.#onDroppedRecord?.({ taskId: this.taskId, node, reason, metadata: this.#metadata });
      },
    };
  }

  /**
   * A cached store's flush forwards with the context of the write it folds, as Kafka
   * Streams sets it. Synchronous when downstream is (undefined then): a flush forwards
   * thousands of keys, and a promise per key would cost more than forwarding it.
   */
  #runInRecordContext(context: RecordContext, work: () => Promise<void>): void | Promise<void> {
    const metadata = this.#metadata;
    const current = this.#current;
    this.#metadata =
      context.topic === null
        ? undefined
        : { topic: context.topic, partition: context.partition, offset: context.offset };
    this.#current = { key: undefined, value: undefined, timestamp: context.timestamp, headers: context.headers };
    let pending: Promise<void>;
    try {
      pending = work();
    } catch (error) {
      this.#metadata = metadata;
      this.#current = current;
      throw error;
    }
    if (pending === FORWARDED || !isThenable(pending)) {
      this.#metadata = metadata;
      this.#current = current;
      return undefined;
    }
    return this.#restoreContextAfter(pending, metadata, current);
  }

  async #restoreContextAfter(
    pending: Promise<void>,
    metadata: RecordMetadata | undefined,
    current: StreamRecord<unknown, unknown> | undefined,
  ): Promise<void> {
    try {
      await pending;
    } finally {
      this.#metadata = metadata;
      this.#current = current;
    }
  }

  #patternSourceOf(topic: string): SourceNodeRuntime | undefined {
    const source = this.#patternSources.find((node) => matchesWhole(node.definition.pattern as RegExp, topic));
    if (source !== undefined) this.#sourcesByTopic.set(topic, source);
    return source;
  }

  #recordContext(): RecordContext {
    const metadata = this.#metadata;
    const current = this.#current;
    if (metadata === undefined) {
      return {
        topic: null,
        partition: -1,
        offset: -1,
        timestamp: current?.timestamp ?? this.#punctuationTime,
        headers: current === undefined ? new RecordHeaders() : toHeaders(current.headers),
      };
    }
    return {
      topic: metadata.topic,
      partition: metadata.partition,
      offset: metadata.offset,
      timestamp: current?.timestamp ?? -1,
      headers: current === undefined ? new RecordHeaders() : toHeaders(current.headers),
    };
  }

  #schedule(node: string, intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    if (type === "stream-time") return this.#streamTimePunctuations.schedule(node, intervalMs, 0, punctuator);
    if (type === "wall-clock-time")
      return this.#wallClockPunctuations.schedule(node, intervalMs, this.#clock() + intervalMs, punctuator);
    throw new RangeError(`Unknown punctuation type ${JSON.stringify(type)}: use "stream-time" or "wall-clock-time"`);
  }

  #punctuate(type: PunctuationType, now: number): Promise<number> {
    const scheduler = type === "stream-time" ? this.#streamTimePunctuations : this.#wallClockPunctuations;
    return scheduler.punctuate(now, (schedule, time) => this.#firePunctuator(schedule, time));
  }

  async #firePunctuator(schedule: PunctuationSchedule, now: number): Promise<void> {
    this.#metadata = undefined;
    this.#current = undefined;
    this.#punctuationTime = now;
    try {
      await schedule.punctuator(now);
    } catch (error) {
      if (error instanceof ProcessorError) throw error;
      throw new ProcessorError(schedule.node, this.taskId, undefined, error);
    } finally {
      this.#punctuationTime = -1;
    }
  }

  /**
   * Delivers `record` to the children of `from` (or the named one), depth-first.
   * Returns undefined when every child finished synchronously, otherwise a promise of
   * the rest of the delivery.
   */
  #forward(
    from: RuntimeNode,
    record: StreamRecord<unknown, unknown>,
    childName: string | undefined,
  ): Promise<void> | undefined {
    const children = this.#children.get(from.name) ?? NO_CHILDREN;
    let targets = children;
    if (childName !== undefined) {
      const child = children.find((candidate) => candidate.name === childName);
      if (child === undefined)
        throw new UnknownChildError(
          from.name,
          childName,
          children.map((candidate) => candidate.name),
        );
      targets = [child];
    }
    // Headers are mutable: siblings each get their own copy (the last one the original).
    const headers = record.headers instanceof RecordHeaders ? record.headers : new RecordHeaders(record.headers);
    const last = targets.length - 1;
    for (let i = 0; i <= last; i++) {
      const copy = i === last ? headers : headers.clone();
      const pending = this.#deliver(
        targets[i] as RuntimeNode,
        copy === record.headers ? record : { ...record, headers: copy },
      );
      if (pending !== undefined)
        return i === last ? pending : this.#forwardRest(pending, targets, i + 1, record, headers);
    }
    return undefined;
  }

  async #forwardRest(
    pending: Promise<void>,
    targets: readonly RuntimeNode[],
    next: number,
    record: StreamRecord<unknown, unknown>,
    headers: RecordHeaders,
  ): Promise<void> {
    await pending;
    const last = targets.length - 1;
    for (let i = next; i <= last; i++) {
      const copy = i === last ? headers : headers.clone();
      const more = this.#deliver(
        targets[i] as RuntimeNode,
        copy === record.headers ? record : { ...record, headers: copy },
      );
      if (more !== undefined) await more;
    }
  }

  /** What a processor's forward() returns: always a promise, FORWARDED itself when delivery was synchronous. */
  #forwardFromProcessor(
    from: string,
    record: StreamRecord<unknown, unknown>,
    childName: string | undefined,
  ): Promise<void> {
    const node = this.#nodes.get(from);
    if (node === undefined) return Promise.reject(new RangeError(`Task ${this.taskId} has no node "${from}"`));
    try {
      return this.#forward(node, record, childName) ?? FORWARDED;
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  #deliver(node: RuntimeNode, record: StreamRecord<unknown, unknown>): Promise<void> | undefined {
    switch (node.kind) {
      case "processor": {
        // The record context follows the record: set for this processor, back to the caller's after it.
        node.counter.processed += 1;
        const previous = this.#current;
        this.#current = record;
        let result: void | Promise<void>;
        try {
          result = node.processor.process(record);
        } catch (error) {
          this.#current = previous;
          throw this.#processorFailure(node, error);
        }
        // A processor that returns what forward() gave it finished when delivery did.
        if (result === FORWARDED || !isThenable(result)) {
          this.#current = previous;
          return undefined;
        }
        return this.#awaitProcessor(node, result, previous);
      }
      case "sink": {
        node.counter.processed += 1;
        const sent = node.send(record, this.taskId, this.#metadata);
        return isThenable(sent) ? sent : undefined;
      }
      case "source":
        // A source has no parent inside a sub-topology.
        throw new RangeError(`Source ${node.name} cannot receive forwarded records`);
    }
  }

  async #awaitProcessor(
    node: ProcessorNodeRuntime,
    result: PromiseLike<void>,
    previous: StreamRecord<unknown, unknown> | undefined,
  ): Promise<void> {
    try {
      await result;
    } catch (error) {
      throw this.#processorFailure(node, error);
    } finally {
      this.#current = previous;
    }
  }

  #processorFailure(node: ProcessorNodeRuntime, error: unknown): ProcessorError {
    return error instanceof ProcessorError ? error : new ProcessorError(node.name, this.taskId, this.#metadata, error);
  }
}

const NO_CHILDREN: readonly RuntimeNode[] = Object.freeze([]);

function toHeaders(headers: StreamRecord<unknown, unknown>["headers"]): RecordHeaders {
  return headers instanceof RecordHeaders ? headers : new RecordHeaders(headers);
}

function isThenable(value: unknown): value is Promise<void> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}
