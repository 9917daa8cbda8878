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
// joins the consumer group (running-instance.ts); the instance is then REBALANCING until
// its assigned tasks are restored, and RUNNING while they process.
import { randomUUID } from "node:crypto";
import type { StalledTask } from "./progress-monitor.js";
import type { Logger } from "pino";
import { createLogger } from "../logging/logger.js";
import { parseStreamsConfig } from "../config/streams-config.js";
import type { ResolvedStreamsConfig, StreamsConfig } from "../config/streams-config.js";
import type { ReadOnlyKeyValueStore } from "../stores/key-value-store.js";
import type { ReadOnlyWindowStore } from "../stores/window-store.js";
import type { ReadOnlySessionStore } from "../stores/session-store.js";
import type { ReadOnlyVersionedKeyValueStore } from "../stores/versioned-key-value-store.js";
import { serdeFromSetting } from "../serdes/serdes.js";
import { RecordCache } from "../stores/record-cache.js";
import type { Serde, Serializer } from "../serdes/serde.js";
import type { Topology } from "../topology/topology.js";
import type { HostTasks } from "./assignor.js";
import type { StateRestoreListener } from "./state-restore-listener.js";
import { EddyError } from "../errors/eddy-error.js";
import { IllegalStateError } from "./errors.js";
import { StreamsMetrics } from "./metrics.js";
import type { StreamsMetricsSnapshot } from "./metrics.js";
import { LocalQueries } from "./local-queries.js";
import type { ReadWait } from "./read-gate.js";
import { RunningInstance } from "./running-instance.js";
import type { InstanceService } from "./running-instance.js";
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

export type { InstanceService } from "./running-instance.js";

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

export interface CloseOptions {
  /** How long to wait for tasks to commit and the group to be left, ms (default: wait). */
  timeout?: number;
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
  #restoreListener: StateRestoreListener | undefined;
  #running: RunningInstance | undefined;
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
    this.#topology = topology.frozen(
      {
        key: serdeFromSetting(this.config.defaultKeySerde as Serde<unknown> | string | undefined),
        value: serdeFromSetting(this.config.defaultValueSerde as Serde<unknown> | string | undefined),
      },
      this.config,
    );
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
    this.#queries = new LocalQueries(this.#topology, applicationId, this.#metrics, () => this.#running);
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
    const running = new RunningInstance({
      config: this.config,
      topology: this.#topology,
      logger: this.#logger,
      metrics: this.#metrics,
      recordCache: this.#recordCache,
      restoreListener: this.#restoreListener,
      unreachableHint: this.#unreachableHint,
      signal: this.#stopping.signal,
      processId: () => this.#processId,
      setProcessId: (processId) => {
        this.#processId = processId;
      },
      startServices: (logger, register) => this.startServices(logger, register),
      onRebalancing: () => this.#machine.transition(StreamsState.REBALANCING),
      onRunning: () => this.#machine.transition(StreamsState.RUNNING),
      onResubscribing: () => {
        if (this.#machine.state === StreamsState.RUNNING) this.#machine.transition(StreamsState.REBALANCING);
      },
      onFatal: (error) => this.#onFatal(error),
    });
    // Registered before anything opens, so that a failure half-way closes what did.
    this.#running = running;
    await running.open();
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
    await running.close(clean);
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
      : this.#queries.localWindowStore(store, taskOrOptions);
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
      : this.#queries.localSessionStore(store, taskOrOptions);
  }

  /**
   * A versioned store of task `taskId` hosted here (Kafka Streams' VersionedKeyQuery and
   * MultiVersionedKeyQuery): committed state; get(key), get(key, asOf), versions(key, range).
   */
  versionedStore<K, V>(
    store: string,
    taskId: TaskId,
    options: StoreQueryOptions = {},
  ): ReadOnlyVersionedKeyValueStore<K, V> {
    return this.#queries.versionedStore(store, taskId, options);
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
