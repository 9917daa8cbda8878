// What one start() of a StreamsRuntime opens, in order, and closes again: the Kafka
// clients, the instance's services (the HTTP API), the changelog reader, the global stores,
// the stream thread, and the re-subscription of pattern sources. StreamsRuntime keeps the
// public lifecycle (states, close(), the queries); this is the part that talks to Kafka.
import type { Logger } from "pino";
import type { ResolvedStreamsConfig } from "../config/streams-config.js";
import { KafkaAdmin } from "../kafka/admin-client.js";
import { waitForBootstrap } from "../kafka/bootstrap-probe.js";
import { createKafkaClient } from "../kafka/client.js";
import type { KafkaClient } from "../kafka/client.js";
import { IdempotentProducer } from "../kafka/idempotent-producer.js";
import { ensureInternalTopics } from "../kafka/internal-topics.js";
import { PartitionReader } from "../kafka/partition-reader.js";
import { loadProcessId } from "../stores/process-id.js";
import type { LevelDbTuning } from "../stores/leveldb-task-storage.js";
import type { RecordCache } from "../stores/record-cache.js";
import type { TimestampExtractor } from "../topology/timestamp-extractor.js";
import type { Topology } from "../topology/topology.js";
import { deadLetterTopicName, physicalTopicName } from "../topology/topology.js";
import { ChangelogReader } from "./changelog-reader.js";
import type { StateRestoreListener } from "./state-restore-listener.js";
import { GlobalStreamThread } from "./global-stream-thread.js";
import type { RunningView } from "./local-queries.js";
import type { StreamsMetrics } from "./metrics.js";
import { PartitionerCheck } from "./partitioner-check.js";
import { hasPatternSources, matchPatternTopics, resolvePatterns, sameMatches } from "./pattern-topics.js";
import { StreamThread } from "./stream-thread.js";
import { TopicPartitions, UnknownOutputTopicError } from "./topic-partitions.js";
import { TopologyMetadata, userSourceTopicsOf } from "./topology-metadata.js";

/** Something that lives as long as the instance (the HTTP API): closed first by close(). */
export interface InstanceService {
  close(): Promise<void>;
}

/** What a running instance is given by its StreamsRuntime. */
export interface RunningInstanceOptions {
  readonly config: ResolvedStreamsConfig;
  /** The topology as the runtime froze it (pattern sources not yet resolved). */
  readonly topology: Topology;
  readonly logger: Logger;
  readonly metrics: StreamsMetrics;
  /** Kafka Streams' ThreadCache: one budget for every task of the instance. */
  readonly recordCache: RecordCache | undefined;
  readonly restoreListener: StateRestoreListener | undefined;
  readonly unreachableHint: string;
  /** Aborted by close(): stops start()'s waiting and retrying. */
  readonly signal: AbortSignal;
  /** The process id so far (random); the persisted one replaces it through setProcessId. */
  readonly processId: () => string;
  readonly setProcessId: (processId: string) => void;
  /** The runtime's startServices() hook. */
  readonly startServices: (logger: Logger, register: (service: InstanceService) => void) => Promise<void>;
  readonly onRebalancing: () => void;
  readonly onRunning: () => void;
  /** A pattern refresh is about to replace the thread. */
  readonly onResubscribing: () => void;
  readonly onFatal: (error: Error) => void;
}

export class RunningInstance implements RunningView {
  readonly #options: RunningInstanceOptions;
  // Everything opened is registered at once, so that a failure half-way closes it.
  readonly #services: InstanceService[] = [];
  #kafka: KafkaClient | undefined;
  #admin: KafkaAdmin | undefined;
  #reader: PartitionReader | undefined;
  #changelogReader: ChangelogReader | undefined;
  #sharedProducer: IdempotentProducer | undefined;
  #topicPartitions: TopicPartitions | undefined;
  #thread: StreamThread | undefined;
  /** The global stores, restored before the group is joined (none without global tables). */
  #globalThread: GlobalStreamThread | undefined;
  #metadata: TopologyMetadata | undefined;
  /** The topics each pattern source reads now (empty without pattern sources). */
  #patternMatches = new Map<string, string[]>();
  /** Re-lists the topics for pattern sources every metadataMaxAgeMs. */
  #patternRefresh: NodeJS.Timeout | undefined;
  /** A re-subscription under way (the thread being replaced). */
  #resubscribing: Promise<void> | undefined;
  /** Stream threads started so far (a pattern refresh replaces the thread): the index of the next. */
  #threads = 0;
  #closed = false;

  constructor(options: RunningInstanceOptions) {
    this.#options = options;
  }

  get services(): readonly InstanceService[] {
    return this.#services;
  }

  get metadata(): TopologyMetadata | undefined {
    return this.#metadata;
  }

  get thread(): StreamThread | undefined {
    return this.#thread;
  }

  get reader(): PartitionReader | undefined {
    return this.#reader;
  }

  get changelogReader(): ChangelogReader | undefined {
    return this.#changelogReader;
  }

  get globalThread(): GlobalStreamThread | undefined {
    return this.#globalThread;
  }

  /**
   * Checks the cluster against the topology, creates internal topics, starts the services
   * and joins the group.
   */
  async open(): Promise<void> {
    const { config, logger, signal } = this.#options;
    // One clear line when nothing answers, rather than kafkajs' warning per attempt.
    await waitForBootstrap({
      servers: config.bootstrapServers,
      logger,
      hint: this.#options.unreachableHint,
      giveUpAfterMs: config.taskTimeoutMs,
      signal,
    });
    const kafka = createKafkaClient({
      clientId: config.clientId,
      brokers: config.bootstrapServers,
      ssl: config.ssl,
      sasl: config.sasl,
      logger,
      fastPaths: config.kafkajsFastPaths,
    });
    this.#kafka = kafka;
    const admin = new KafkaAdmin(kafka, logger, signal);
    this.#admin = admin;
    await admin.connect();
    const topicPartitions = new TopicPartitions(admin);
    this.#topicPartitions = topicPartitions;
    const patterns = hasPatternSources(this.#options.topology);
    if (patterns) {
      this.#patternMatches = matchPatternTopics(this.#options.topology, config.applicationId, await admin.listTopics());
    }
    const { topology, metadata } = await this.#resolve(this.#patternMatches);
    if ([...topology.stores.values()].some((store) => store.persistent)) {
      const loaded = await loadProcessId(config.stateDir, config.applicationId);
      if (loaded.warning !== undefined) logger.warn(`process id: ${loaded.warning}`);
      this.#options.setProcessId(loaded.processId);
    }
    const sinks = this.#fixedSinkTopics();
    await topicPartitions.preload(sinks);
    // Kafka Streams would find out at the first send; a missing output topic is a setup
    // error, and saying so before the first record is processed loses nothing.
    const missingSink = sinks.find((topic) => topicPartitions.get(topic) === undefined);
    if (missingSink !== undefined) throw new UnknownOutputTopicError(missingSink);

    // Services start before the group is joined: once this instance is in the host map,
    // peers forward lookups to it. A service that cannot start fails start().
    await this.#options.startServices(logger, (service) => this.#services.push(service));

    const reader = await PartitionReader.connect(kafka, `${config.clientId}-restore`);
    this.#reader = reader;
    this.#changelogReader = new ChangelogReader(reader, {
      logger,
      metrics: this.#options.metrics,
      listener: this.#options.restoreListener,
    });
    if (config.processingGuarantee === "at_least_once") {
      const sharedProducer = new IdempotentProducer(kafka, config.deliveryTimeoutMs);
      this.#sharedProducer = sharedProducer;
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
        leveldb: levelDbTuningOf(config),
        appConfigs: { ...config },
        defaultTimestampExtractor: config.defaultTimestampExtractor as TimestampExtractor,
        fetchMaxWaitMs: config.fetchMaxWaitMs,
        logger,
        onFatal: (error) => this.#options.onFatal(error),
        onDroppedRecord: () => {
          this.#options.metrics.droppedRecords += 1;
        },
        onDeadLetter: () => {
          this.#options.metrics.deadLetterRecords += 1;
        },
        deserializationExceptionHandler: config.deserializationExceptionHandler,
        commitIntervalMs: config.commitIntervalMs,
        restoreListener: this.#options.restoreListener,
      });
      this.#globalThread = globalThread;
      await globalThread.start();
    }
    await this.#startThread(topology, metadata);
    if (patterns) {
      this.#patternRefresh = setInterval(() => this.#refreshPatterns(), config.metadataMaxAgeMs);
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
  async #resolve(matches: ReadonlyMap<string, string[]>): Promise<{ topology: Topology; metadata: TopologyMetadata }> {
    const { config } = this.#options;
    const admin = this.#admin as KafkaAdmin;
    const topology = resolvePatterns(this.#options.topology, matches);
    const counts = await admin.partitionCounts(userSourceTopicsOf(topology));
    const metadata = TopologyMetadata.resolve(
      topology,
      config.applicationId,
      counts,
      deadLetterTopicName(config.applicationId),
    );
    this.#metadata = metadata;
    const maxPartitions = Math.max(1, ...metadata.subtopologies.map((s) => s.partitions));
    const internal = await ensureInternalTopics(admin, metadata.internalTopics(maxPartitions), {
      replicationFactor: config.replicationFactor,
      logger: this.#options.logger,
    });
    const topicPartitions = this.#topicPartitions as TopicPartitions;
    for (const [topic, n] of counts) topicPartitions.set(topic, n);
    for (const [topic, n] of internal) topicPartitions.set(topic, n);
    return { topology, metadata };
  }

  async #startThread(topology: Topology, metadata: TopologyMetadata): Promise<void> {
    const { config, logger, metrics, signal } = this.#options;
    const topicPartitions = this.#topicPartitions as TopicPartitions;
    const partitionerCheck = new PartitionerCheck({
      topology,
      partitionsOf: (topic) => topicPartitions.get(topic),
      logger,
      onMispartitioned: (topic, count) => metrics.addMispartitioned(topic, count),
    });
    const thread = new StreamThread(
      {
        kafka: this.#kafka as KafkaClient,
        topology,
        sourceTopics: metadata.sourceTopics(),
        transactionalId: `${config.applicationId}-${this.#options.processId()}-${++this.#threads}`,
        metrics,
        logger,
        taskContext: (commitOffsets) => ({
          config,
          groupId: config.applicationId,
          topology,
          metadata,
          kafka: this.#kafka as KafkaClient,
          admin: this.#admin as KafkaAdmin,
          reader: this.#reader as PartitionReader,
          changelogReader: this.#changelogReader as ChangelogReader,
          topicPartitions,
          sharedProducer: this.#sharedProducer,
          commitOffsets,
          metrics,
          recordCache: this.#options.recordCache,
          globalStores: this.#globalThread?.stores,
          partitionerCheck,
          logger,
          location: {
            stateDir: config.stateDir,
            applicationId: config.applicationId,
            leveldb: levelDbTuningOf(config),
          },
          signal,
        }),
      },
      {
        onRebalancing: this.#options.onRebalancing,
        onRunning: this.#options.onRunning,
        onFatal: (error) => this.#options.onFatal(error),
      },
    );
    this.#thread = thread;
    await thread.start();
  }

  /**
   * Pattern sources: lists the topics again and, when the matches changed (a topic was
   * created or deleted), hands the tasks over cleanly and joins the group again with the
   * new subscription, as Kafka Streams' consumer does when its metadata shows new topics.
   * kafkajs cannot change a running consumer's subscription, so the thread is replaced.
   */
  #refreshPatterns(): void {
    if (this.#resubscribing !== undefined || this.#closed) return;
    const { config, logger } = this.#options;
    this.#resubscribing = (async () => {
      const matches = matchPatternTopics(
        this.#options.topology,
        config.applicationId,
        await (this.#admin as KafkaAdmin).listTopics(),
      );
      if (sameMatches(matches, this.#patternMatches) || this.#closed) return;
      logger.info(
        { matches: Object.fromEntries(matches) },
        "the topics matching the pattern subscriptions changed; joining the group again with them",
      );
      this.#options.onResubscribing();
      await this.#thread?.stop(true);
      if (this.#closed) return;
      this.#patternMatches = matches;
      const { topology, metadata } = await this.#resolve(matches);
      if (this.#closed) return;
      await this.#startThread(topology, metadata);
    })()
      .catch((error: unknown) => {
        if (this.#closed) return;
        this.#options.onFatal(error instanceof Error ? error : new Error(String(error)));
      })
      .finally(() => {
        this.#resubscribing = undefined;
      });
  }

  #fixedSinkTopics(): string[] {
    const topics = new Set<string>();
    for (const node of this.#options.topology.nodes.values()) {
      if (node.kind === "sink" && node.topic !== undefined) {
        topics.add(physicalTopicName(this.#options.config.applicationId, node.topic, node.internal));
      }
    }
    return [...topics];
  }

  /** Closes whatever open() opened, services first; a step that fails is logged, and the next goes on. */
  async close(clean: boolean): Promise<void> {
    this.#closed = true;
    const step = async (what: string, fn: () => Promise<void> | undefined) => {
      try {
        await fn();
      } catch (error) {
        this.#options.logger.warn({ err: error }, `${what} failed during shutdown`);
      }
    };
    if (this.#patternRefresh !== undefined) clearInterval(this.#patternRefresh);
    await this.#resubscribing;
    // Services first: queries and commands stop before the tasks that answer them.
    for (const service of this.#services.reverse()) await step("closing a service", () => service.close());
    await step("stopping the stream thread", () => this.#thread?.stop(clean));
    await step("stopping standby updates", () => this.#changelogReader?.close());
    await step("stopping the global stores", () => this.#globalThread?.stop());
    await step("closing the producer", () => this.#sharedProducer?.close());
    await step("closing the changelog reader", () => this.#reader?.close());
    await step("closing the admin client", () => this.#admin?.close());
  }
}

/** The memory each LevelDB database may hold, task or global, as the config sets it. */
function levelDbTuningOf(config: ResolvedStreamsConfig): LevelDbTuning {
  return { writeBufferSize: config.leveldbWriteBufferBytes, cacheSize: config.leveldbBlockCacheBytes };
}
