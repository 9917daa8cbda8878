// StreamsRuntime: runs a Topology on Kafka, as Kafka Streams' KafkaStreams does. The
// public KafkaStreams (src/app/kafka-streams.ts) is this runtime plus the HTTP API it
// serves; the runtime itself knows nothing of HTTP and starts what its subclass adds
// through one hook, startServices().
//
//   const streams = new KafkaStreams(topology, { applicationId: "bank", bootstrapServers: "localhost:9092" });
//   streams.setStateListener((now, before) => ...);
//   await streams.start();
//   ...
//   await streams.close({ timeout: 30_000 });
//
// start() validates the cluster against the topology (source topics, co-partitioning),
// creates the internal topics, starts the instance's services (the HTTP API), and
// joins the consumer group; the instance is then REBALANCING until its assigned tasks
// are restored, and RUNNING while they process.
import { randomUUID } from "node:crypto";
import type { StalledTask } from "./progress-monitor.js";
import type { Logger } from "pino";
import { createLogger } from "../logging/logger.js";
import { parseStreamsConfig } from "../config/streams-config.js";
import type { ResolvedStreamsConfig, StreamsConfig } from "../config/streams-config.js";
import { KafkaAdmin } from "../kafka/admin-client.js";
import { waitForBootstrap } from "../kafka/bootstrap-probe.js";
import { createKafkaClient } from "../kafka/client.js";
import { GlobalStreamThread } from "./global-stream-thread.js";
import { PartitionerCheck } from "./partitioner-check.js";
import type { TimestampExtractor } from "../topology/timestamp-extractor.js";
import type { KafkaClient } from "../kafka/client.js";
import { IdempotentProducer } from "../kafka/idempotent-producer.js";
import { ensureInternalTopics } from "../kafka/internal-topics.js";
import { PartitionReader } from "../kafka/partition-reader.js";
import type { ReadOnlyKeyValueStore } from "../stores/key-value-store.js";
import type { ReadOnlyWindowStore } from "../stores/window-store.js";
import type { ReadOnlySessionStore } from "../stores/session-store.js";
import { loadProcessId } from "../stores/process-id.js";
import { serdeFromSetting } from "../serdes/serdes.js";
import { RecordCache } from "../stores/record-cache.js";
import type { Serde, Serializer } from "../serdes/serde.js";
import type { Topology } from "../topology/topology.js";
import { deadLetterTopicName, physicalTopicName } from "../topology/topology.js";
import type { HostTasks } from "./assignor.js";
import { ChangelogReader } from "./changelog-reader.js";
import type { StateRestoreListener } from "./state-restore-listener.js";
import { EddyError } from "../errors/eddy-error.js";
import { IllegalStateError } from "./errors.js";
import { StreamsMetrics } from "./metrics.js";
import type { StreamsMetricsSnapshot } from "./metrics.js";
import { StreamThread } from "./stream-thread.js";
import { LocalQueries } from "./local-queries.js";
import type { RunningView } from "./local-queries.js";
import type { ReadWait } from "./read-gate.js";
import type { TopicPartitionOffset } from "../kafka/types.js";
import type {
  KeyQueryMetadata,
  LocalTaskMetadata,
  QueryableStreams,
  StoreMetadata,
  StoreQueryOptions,
} from "./streams-metadata.js";
import { StreamsState, StreamsStateMachine, isRunningOrRebalancing } from "./streams-state.js";
import type { StateListener } from "./streams-state.js";
import type { TaskId } from "../engine/task-id.js";
import { TopicPartitions, UnknownOutputTopicError } from "./topic-partitions.js";
import { TopologyMetadata, userSourceTopicsOf } from "./topology-metadata.js";
import { hasPatternSources, matchPatternTopics, resolvePatterns, sameMatches } from "./pattern-topics.js";

export interface StreamsRuntimeOptions {
  /** A pino logger to log through; by default one at `config.logLevel` on stdout (JSON, or readable on a terminal). */
  logger?: Logger;
  /**
   * What to tell the operator when no bootstrap server answers at start, e.g. "start the
   * broker first"; by default to check that Kafka runs where bootstrapServers says.
   */
  unreachableHint?: string;
}

const DEFAULT_UNREACHABLE_HINT =
  "check that Kafka runs there and that bootstrapServers (EDDY_BOOTSTRAP_SERVERS) names it";

/** Something that lives as long as the instance (the HTTP API): closed first by close(). */
export interface InstanceService {
  close(): Promise<void>;
}

export interface CloseOptions {
  /** How long to wait for tasks to commit and the group to be left, ms (default: wait). */
  timeout?: number;
}

/** What start() opened so far; shutdown closes whatever is there. */
interface Running extends RunningView {
  services: InstanceService[];
  kafka?: KafkaClient;
  admin?: KafkaAdmin;
  reader?: PartitionReader;
  changelogReader?: ChangelogReader;
  sharedProducer?: IdempotentProducer;
  topicPartitions?: TopicPartitions;
  thread?: StreamThread;
  /** The global stores, restored before the group is joined (none without global tables). */
  globalThread?: GlobalStreamThread;
  metadata?: TopologyMetadata;
  /** The topics each pattern source reads now (empty without pattern sources). */
  patternMatches?: Map<string, string[]>;
  /** Re-lists the topics for pattern sources every metadataMaxAgeMs. */
  patternRefresh?: NodeJS.Timeout;
  /** A re-subscription under way (the thread being replaced). */
  resubscribing?: Promise<void>;
}

export class StreamsRuntime implements QueryableStreams {
  readonly config: ResolvedStreamsConfig;
  readonly #topology: Topology;
  readonly #logger: Logger;
  readonly #unreachableHint: string;
  readonly #machine = new StreamsStateMachine();
  readonly #metrics = new StreamsMetrics();
  /** Kafka Streams' ThreadCache: one budget for every task of the instance (its one stream thread). */
  readonly #recordCache: RecordCache | undefined;
  readonly #stopping = new AbortController();
  /**
   * Kafka Streams' processId: names this instance in its exactly-once v2 transactional ids.
   * Kept in the state directory when the topology has persistent stores (process-id.ts), so
   * that a restart on the same state is the same process; otherwise new at every start.
   */
  #processId: string = randomUUID();
  /** Stream threads started so far (a pattern refresh replaces the thread): the index of the next. */
  #threads = 0;
  #restoreListener: StateRestoreListener | undefined;
  #running: Running | undefined;
  #closing: Promise<void> | undefined;
  #starting: Promise<void> | undefined;
  #fatal: Error | undefined;
  /** The interactive queries' half: what the tasks hosted here hold, and where the others are. */
  readonly #queries: LocalQueries;

  /** Validates the config at once: a bad field throws a ConfigError naming it. */
  constructor(topology: Topology, config: StreamsConfig, options: StreamsRuntimeOptions = {}) {
    this.config = parseStreamsConfig(config);
    // The topology as it is now, checked: one built with the Processor API may still grow.
    // Missing serdes take the config's defaults (or fail here, naming each).
    this.#topology = topology.frozen({
      key: serdeFromSetting(this.config.defaultKeySerde as Serde<unknown> | string | undefined),
      value: serdeFromSetting(this.config.defaultValueSerde as Serde<unknown> | string | undefined),
    });
    this.#recordCache = this.config.cacheMaxBytes > 0 ? new RecordCache(this.config.cacheMaxBytes) : undefined;
    const { applicationId } = this.config;
    // A logger that already names the application (the CLI's) would print the id twice.
    this.#logger =
      (options.logger &&
        (options.logger.bindings().applicationId === applicationId
          ? options.logger
          : options.logger.child({ applicationId }))) ??
      createLogger({ level: this.config.logLevel, base: { applicationId }, fd: 1 });
    this.#unreachableHint = options.unreachableHint ?? DEFAULT_UNREACHABLE_HINT;
    this.#queries = new LocalQueries(this.#topology, this.#metrics, () => this.#running);
  }

  /** The topology this instance runs. */
  get topology(): Topology {
    return this.#topology;
  }

  get applicationId(): string {
    return this.config.applicationId;
  }

  get applicationServer(): string | undefined {
    return this.config.applicationServer;
  }

  state(): StreamsState {
    return this.#machine.state;
  }

  /** Called on every state change, with the new and the old state. */
  setStateListener(listener: StateListener): void {
    if (this.#machine.state !== StreamsState.CREATED)
      throw new IllegalStateError("setStateListener() must be called before start()");
    this.#machine.setListener(listener);
  }

  /** Restore progress of every task (start, each batch, end), as Kafka Streams' global state restore listener. */
  setGlobalStateRestoreListener(listener: StateRestoreListener): void {
    if (this.#machine.state !== StreamsState.CREATED) {
      throw new IllegalStateError("setGlobalStateRestoreListener() must be called before start()");
    }
    this.#restoreListener = listener;
  }

  /** The error that put the instance in ERROR, if any. */
  get fatalError(): Error | undefined {
    return this.#fatal;
  }

  /**
   * Checks the cluster against the topology, creates internal topics, and joins the
   * group. Resolves once the instance is a member of the group (REBALANCING); rejects,
   * leaving the instance in ERROR, when the topology cannot run on this cluster.
   */
  async start(): Promise<void> {
    if (this.#machine.state !== StreamsState.CREATED) {
      throw new IllegalStateError(
        `start() can only be called once, in CREATED (the instance is ${this.#machine.state})`,
      );
    }
    this.#machine.require(StreamsState.REBALANCING);
    this.#starting = this.#start();
    try {
      await this.#starting;
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      if (this.#stopping.signal.aborted) this.#logger.info("start interrupted: the instance is closing");
      // Eddy's own errors (a taken port, a missing topic, no broker) name the thing and
      // say what to do, and start() rejects with them: the caller reports them, once.
      else if (failure instanceof EddyError) this.#logger.debug({ err: failure }, "cannot start");
      else this.#logger.error({ err: failure }, "cannot start");
      this.#onFatal(failure, false);
      await this.#closing;
      throw failure;
    }
  }

  async #start(): Promise<void> {
    const { config } = this;
    const logger = this.#logger;
    // Everything opened is registered at once, so that a failure half-way closes it.
    const running: Running = { services: [] };
    this.#running = running;
    // One clear line when nothing answers, rather than kafkajs' warning per attempt.
    await waitForBootstrap({
      servers: config.bootstrapServers,
      logger,
      hint: this.#unreachableHint,
      giveUpAfterMs: config.taskTimeoutMs,
      signal: this.#stopping.signal,
    });
    const kafka = createKafkaClient({
      clientId: config.clientId,
      brokers: config.bootstrapServers,
      ssl: config.ssl,
      sasl: config.sasl,
      logger,
      fastPaths: config.kafkajsFastPaths,
    });
    running.kafka = kafka;
    const admin = new KafkaAdmin(kafka, logger, this.#stopping.signal);
    running.admin = admin;
    await admin.connect();
    const topicPartitions = new TopicPartitions(admin);
    running.topicPartitions = topicPartitions;
    const patterns = hasPatternSources(this.#topology);
    running.patternMatches = patterns
      ? matchPatternTopics(this.#topology, config.applicationId, await admin.listTopics())
      : new Map();
    const { topology, metadata } = await this.#resolve(running, running.patternMatches);
    if ([...topology.stores.values()].some((store) => store.persistent)) {
      const loaded = await loadProcessId(config.stateDir, config.applicationId);
      if (loaded.warning !== undefined) logger.warn(`process id: ${loaded.warning}`);
      this.#processId = loaded.processId;
    }
    const sinks = this.#fixedSinkTopics();
    await topicPartitions.preload(sinks);
    // Kafka Streams would find out at the first send; a missing output topic is a setup
    // error, and saying so before the first record is processed loses nothing.
    const missingSink = sinks.find((topic) => topicPartitions.get(topic) === undefined);
    if (missingSink !== undefined) throw new UnknownOutputTopicError(missingSink);

    // Services start before the group is joined: once this instance is in the host map,
    // peers forward lookups to it. A service that cannot start fails start().
    await this.startServices(logger, (service) => running.services.push(service));

    const reader = await PartitionReader.connect(kafka, `${config.clientId}-restore`);
    running.reader = reader;
    const changelogReader = new ChangelogReader(reader, {
      logger,
      metrics: this.#metrics,
      listener: this.#restoreListener,
    });
    running.changelogReader = changelogReader;
    if (config.processingGuarantee === "at_least_once") {
      const sharedProducer = new IdempotentProducer(kafka, config.deliveryTimeoutMs);
      running.sharedProducer = sharedProducer;
      await sharedProducer.connect();
    }
    if (topology.globalStores.length > 0) {
      // Restored before the group is joined: a task never reads a half-filled global store.
      const globalThread = new GlobalStreamThread({
        kafka,
        admin,
        topology,
        applicationId: config.applicationId,
        clientId: config.clientId,
        stateDir: config.stateDir,
        appConfigs: { ...config },
        defaultTimestampExtractor: config.defaultTimestampExtractor as TimestampExtractor,
        fetchMaxWaitMs: config.fetchMaxWaitMs,
        logger,
        onFatal: (error) => this.#onFatal(error),
        onDroppedRecord: () => {
          this.#metrics.droppedRecords += 1;
        },
        onDeadLetter: () => {
          this.#metrics.deadLetterRecords += 1;
        },
        deserializationExceptionHandler: config.deserializationExceptionHandler,
        commitIntervalMs: config.commitIntervalMs,
        restoreListener: this.#restoreListener,
      });
      running.globalThread = globalThread;
      await globalThread.start();
    }
    await this.#startThread(running, topology, metadata);
    if (patterns) {
      running.patternRefresh = setInterval(() => this.#refreshPatterns(running), config.metadataMaxAgeMs);
    }
    logger.info(
      { guarantee: config.processingGuarantee, tasks: metadata.tasks().length, sourceTopics: metadata.sourceTopics() },
      "started",
    );
    if (config.processingGuarantee === "exactly_once") {
      logger.warn(
        "processingGuarantee exactly_once is deprecated, as in Kafka Streams 3.0: exactly_once_v2 (the default) commits every task in one transaction and needs Kafka 2.5 or later",
      );
    }
  }

  /**
   * The topology as it runs on this cluster (pattern sources reading the topics they
   * match), resolved against the partition counts, with its internal topics created.
   */
  async #resolve(
    running: Running,
    matches: ReadonlyMap<string, string[]>,
  ): Promise<{ topology: Topology; metadata: TopologyMetadata }> {
    const { config } = this;
    const admin = running.admin as KafkaAdmin;
    const topology = resolvePatterns(this.#topology, matches);
    const counts = await admin.partitionCounts(userSourceTopicsOf(topology));
    const metadata = TopologyMetadata.resolve(
      topology,
      config.applicationId,
      counts,
      deadLetterTopicName(config.applicationId),
    );
    running.metadata = metadata;
    const maxPartitions = Math.max(1, ...metadata.subtopologies.map((s) => s.partitions));
    const internal = await ensureInternalTopics(admin, metadata.internalTopics(maxPartitions), {
      replicationFactor: config.replicationFactor,
      logger: this.#logger,
    });
    const topicPartitions = running.topicPartitions as TopicPartitions;
    for (const [topic, n] of counts) topicPartitions.set(topic, n);
    for (const [topic, n] of internal) topicPartitions.set(topic, n);
    return { topology, metadata };
  }

  async #startThread(running: Running, topology: Topology, metadata: TopologyMetadata): Promise<void> {
    const { config } = this;
    const logger = this.#logger;
    const topicPartitions = running.topicPartitions as TopicPartitions;
    const partitionerCheck = new PartitionerCheck({
      topology,
      partitionsOf: (topic) => topicPartitions.get(topic),
      logger,
      onMispartitioned: (topic, count) => this.#metrics.addMispartitioned(topic, count),
    });
    const thread = new StreamThread(
      {
        kafka: running.kafka as KafkaClient,
        topology,
        sourceTopics: metadata.sourceTopics(),
        transactionalId: `${config.applicationId}-${this.#processId}-${++this.#threads}`,
        metrics: this.#metrics,
        logger,
        taskContext: (commitOffsets) => ({
          config,
          groupId: config.applicationId,
          topology,
          metadata,
          kafka: running.kafka as KafkaClient,
          admin: running.admin as KafkaAdmin,
          reader: running.reader as PartitionReader,
          changelogReader: running.changelogReader as ChangelogReader,
          topicPartitions: running.topicPartitions as TopicPartitions,
          sharedProducer: running.sharedProducer,
          commitOffsets,
          metrics: this.#metrics,
          recordCache: this.#recordCache,
          globalStores: running.globalThread?.stores,
          partitionerCheck,
          logger,
          location: { stateDir: config.stateDir, applicationId: config.applicationId },
          signal: this.#stopping.signal,
        }),
      },
      {
        onRebalancing: () => this.#machine.transition(StreamsState.REBALANCING),
        onRunning: () => this.#machine.transition(StreamsState.RUNNING),
        onFatal: (error) => this.#onFatal(error),
      },
    );
    running.thread = thread;
    await thread.start();
  }

  /**
   * Pattern sources: lists the topics again and, when the matches changed (a topic was
   * created or deleted), hands the tasks over cleanly and joins the group again with the
   * new subscription, as Kafka Streams' consumer does when its metadata shows new topics.
   * kafkajs cannot change a running consumer's subscription, so the thread is replaced.
   */
  #refreshPatterns(running: Running): void {
    if (running.resubscribing !== undefined || this.#running !== running) return;
    running.resubscribing = (async () => {
      const matches = matchPatternTopics(
        this.#topology,
        this.config.applicationId,
        await (running.admin as KafkaAdmin).listTopics(),
      );
      if (sameMatches(matches, running.patternMatches ?? new Map()) || this.#running !== running) return;
      this.#logger.info(
        { matches: Object.fromEntries(matches) },
        "the topics matching the pattern subscriptions changed; joining the group again with them",
      );
      if (this.#machine.state === StreamsState.RUNNING) this.#machine.transition(StreamsState.REBALANCING);
      await running.thread?.stop(true);
      if (this.#running !== running) return;
      running.patternMatches = matches;
      const { topology, metadata } = await this.#resolve(running, matches);
      if (this.#running !== running) return;
      await this.#startThread(running, topology, metadata);
    })()
      .catch((error: unknown) => {
        if (this.#running !== running) return;
        this.#onFatal(error instanceof Error ? error : new Error(String(error)));
      })
      .finally(() => {
        running.resubscribing = undefined;
      });
  }

  /**
   * The hook for what a subclass runs beside the tasks: called by start() once the
   * internal topics exist and before the group is joined. Each service is registered as
   * soon as it runs, so that a failure half-way still closes the ones started.
   */
  protected async startServices(_logger: Logger, _register: (service: InstanceService) => void): Promise<void> {}

  /** The services startServices() registered that are still running. */
  protected get services(): readonly InstanceService[] {
    return this.#running?.services ?? [];
  }

  #fixedSinkTopics(): string[] {
    const topics = new Set<string>();
    for (const node of this.#topology.nodes.values()) {
      if (node.kind === "sink" && node.topic !== undefined) {
        topics.add(physicalTopicName(this.config.applicationId, node.topic, node.internal));
      }
    }
    return [...topics];
  }

  #onFatal(error: Error, log = true): void {
    if (this.#fatal || this.#closing) return;
    this.#fatal = error;
    if (log) this.#logger.error({ err: error }, "stopping after a fatal error");
    this.#machine.transition(StreamsState.PENDING_ERROR);
    this.#closing = this.#shutdown(false).then(() => {
      this.#machine.transition(StreamsState.ERROR);
    });
  }

  /**
   * Commits every task, leaves the group and closes the clients. Resolves true when
   * done within `timeout`, false when the timeout passed first (the shutdown goes on).
   */
  async close(options: CloseOptions = {}): Promise<boolean> {
    if (!this.#closing) {
      this.#machine.transition(StreamsState.PENDING_SHUTDOWN);
      this.#closing = this.#shutdown(true).then(() => {
        this.#machine.transition(StreamsState.NOT_RUNNING);
      });
    }
    if (options.timeout === undefined) {
      await this.#closing;
      return true;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), options.timeout);
    });
    const done = await Promise.race([this.#closing.then(() => true as const), timedOut]);
    clearTimeout(timer);
    return done;
  }

  async #shutdown(clean: boolean): Promise<void> {
    // close() during start(): stop its waiting and retrying, let it finish (or fail), then
    // close what it opened.
    this.#stopping.abort();
    await this.#starting?.catch(() => undefined);
    const running = this.#running;
    this.#running = undefined;
    if (!running) return;
    const step = async (what: string, fn: () => Promise<void> | undefined) => {
      try {
        await fn();
      } catch (error) {
        this.#logger.warn({ err: error }, `${what} failed during shutdown`);
      }
    };
    if (running.patternRefresh !== undefined) clearInterval(running.patternRefresh);
    await running.resubscribing;
    // Services first: queries and commands stop before the tasks that answer them.
    for (const service of running.services.reverse()) await step("closing a service", () => service.close());
    await step("stopping the stream thread", () => running.thread?.stop(clean));
    await step("stopping standby updates", () => running.changelogReader?.close());
    await step("stopping the global stores", () => running.globalThread?.stop());
    await step("closing the producer", () => running.sharedProducer?.close());
    await step("closing the changelog reader", () => running.reader?.close());
    await step("closing the admin client", () => running.admin?.close());
    this.#logger.info({ clean }, "closed");
  }

  // ----- QueryableStreams -----

  isReady(): boolean {
    return this.#machine.state === StreamsState.RUNNING && (this.#running?.thread?.taskManager.allRunning() ?? false);
  }

  stalledTasks(): StalledTask[] {
    if (!isRunningOrRebalancing(this.#machine.state)) return [];
    return this.#metrics.progress.stalled(this.assignedTasks().active);
  }

  hostMap(): ReadonlyMap<string, HostTasks> {
    return this.#queries.hostMap();
  }

  isActiveTaskRunning(taskId: TaskId): boolean {
    return this.#queries.isActiveTaskRunning(taskId);
  }

  /** This instance's process id (see #processId): the persisted one once start() has read it. */
  get processId(): string {
    return this.#processId;
  }

  assignedTasks(): { active: TaskId[]; standby: TaskId[] } {
    return this.#queries.assignedTasks();
  }

  localTasks(): Promise<LocalTaskMetadata[]> {
    return this.#queries.localTasks();
  }

  stores(): StoreMetadata[] {
    return this.#queries.stores();
  }

  queryMetadataForKey<K>(store: string, key: K, keySerializer?: Serializer<K>): KeyQueryMetadata {
    return this.#queries.queryMetadataForKey(store, key, keySerializer);
  }

  store<K, V>(store: string, taskId: TaskId, options: StoreQueryOptions = {}): ReadOnlyKeyValueStore<K, V> {
    return this.#queries.store(store, taskId, options);
  }

  /**
   * A window store: committed state, plain values (Kafka Streams' windowStore() queries), of
   * task `taskId` hosted here, or, without one, of every task hosted here that holds it.
   */
  windowStore<K, V>(store: string, options?: StoreQueryOptions): ReadOnlyWindowStore<K, V>;
  windowStore<K, V>(store: string, taskId: TaskId, options?: StoreQueryOptions): ReadOnlyWindowStore<K, V>;
  windowStore<K, V>(
    store: string,
    taskOrOptions?: TaskId | StoreQueryOptions,
    options: StoreQueryOptions = {},
  ): ReadOnlyWindowStore<K, V> {
    return typeof taskOrOptions === "string"
      ? this.#queries.windowStore(store, taskOrOptions, options)
      : this.#queries.windowStore(store, taskOrOptions);
  }

  /**
   * A session store: committed state (Kafka Streams' sessionStore() queries), of task
   * `taskId` hosted here, or, without one, of every task hosted here that holds it.
   */
  sessionStore<K, V>(store: string, options?: StoreQueryOptions): ReadOnlySessionStore<K, V>;
  sessionStore<K, V>(store: string, taskId: TaskId, options?: StoreQueryOptions): ReadOnlySessionStore<K, V>;
  sessionStore<K, V>(
    store: string,
    taskOrOptions?: TaskId | StoreQueryOptions,
    options: StoreQueryOptions = {},
  ): ReadOnlySessionStore<K, V> {
    return typeof taskOrOptions === "string"
      ? this.#queries.sessionStore(store, taskOrOptions, options)
      : this.#queries.sessionStore(store, taskOrOptions);
  }

  /**
   * A global store (a GlobalKTable's, or one added with addGlobalStore), read here: every
   * instance holds all of it, so no routing. Throws StoreNotQueryableError before the
   * global stores are restored, or for a store that is not global.
   */
  globalStore<K, V>(store: string): ReadOnlyKeyValueStore<K, V> {
    return this.#queries.globalStore(store);
  }

  awaitReadable(taskId: TaskId, bound: readonly TopicPartitionOffset[], timeoutMs: number): ReadWait {
    return this.#queries.awaitReadable(taskId, bound, timeoutMs);
  }

  metrics(): StreamsMetricsSnapshot {
    return this.#metrics.snapshot();
  }
}
