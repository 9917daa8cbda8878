// The processing loop, as Kafka Streams' StreamThread: one group consumer feeding the
// task manager, and a ticker that fires wall-clock punctuators and commits each task
// once its commit interval has passed (under v2 it wakes when the thread's interval ends,
// commit-schedule.ts). kafkajs drives the fetching (eachBatch, with
// partitions of different tasks processed concurrently, each task one batch at a
// time; the next Fetch goes out while they are processed, src/kafka/kafkajs/fetch-ahead.ts);
// the ticker never overlaps a task's processing because every task serializes its own work.
import type { Logger } from "pino";
import { sleep } from "../kafka/backoff.js";
import { ConsumerOutOfGroupError, classifyKafkaError } from "../kafka/errors.js";
import { GroupConsumer } from "../kafka/group-consumer.js";
import type { KafkaClient } from "../kafka/client.js";
import type { OffsetToCommit } from "../kafka/types.js";
import type { TopologyData } from "../topology/topology.js";
import { encodeSubscriptionInfo } from "./assignment-codec.js";
import { TaskTimeoutError } from "./errors.js";
import type { StreamsMetrics } from "./metrics.js";
import { StreamsPartitionAssignor } from "./partition-assignor.js";
import type { TaskContext } from "./task-context.js";
import { TaskManager } from "./task-manager.js";
import { ThreadTransaction } from "./thread-transaction.js";
import { nextTickInMs } from "./commit-schedule.js";

export interface StreamThreadEvents {
  /** The group is reassigning partitions, or assigned tasks are still restoring. */
  onRebalancing(): void;
  /** Every assigned active task processes. */
  onRunning(): void;
  onFatal(error: Error): void;
}

export interface StreamThreadOptions {
  kafka: KafkaClient;
  topology: TopologyData;
  sourceTopics: string[];
  /** Builds the tasks' shared context; the consumer's offset commit is handed in. */
  taskContext(commitOffsets: (offsets: readonly OffsetToCommit[]) => Promise<void>): TaskContext;
  /** Exactly-once v2: the thread's transactional id, `<applicationId>-<processId>-<threadIndex>`. */
  transactionalId: string;
  metrics: StreamsMetrics;
  logger: Logger;
}

const TICK_MS = 50;

export class StreamThread {
  readonly taskManager: TaskManager;
  readonly #consumer: GroupConsumer;
  readonly #ctx: TaskContext;
  readonly #transaction: ThreadTransaction | undefined;
  #ticker: NodeJS.Timeout | undefined;
  #ticking = false;
  #lastPunctuate = 0;
  #lastPurge = Date.now();
  #purging = false;
  #stopped = false;
  /** Since when the group consumer keeps crashing without rejoining (taskTimeoutMs bounds it). */
  #consumerStalledSince: number | undefined;
  #restarting: Promise<void> | undefined;

  constructor(
    private readonly options: StreamThreadOptions,
    private readonly events: StreamThreadEvents,
  ) {
    const ctx = options.taskContext((offsets) => this.#consumer.commitOffsets(offsets));
    this.#transaction =
      ctx.config.processingGuarantee === "exactly_once_v2"
        ? new ThreadTransaction({
            kafka: options.kafka,
            transactionalId: options.transactionalId,
            transactionTimeoutMs: ctx.config.transactionTimeoutMs,
            deliveryTimeoutMs: ctx.config.deliveryTimeoutMs,
            groupId: ctx.groupId,
            groupMetadata: () => this.#consumer.groupMetadata(),
            tasks: () => this.taskManager.activeTasks(),
            isAssigned: (taskId) => this.taskManager.assignedTasks().active.includes(taskId),
            maxBatchBytes: (topic) => ctx.topicPartitions.rules(topic)?.maxMessageBytes ?? Number.MAX_SAFE_INTEGER,
            logger: options.logger.child({ transactionalId: options.transactionalId }),
          })
        : undefined;
    this.#ctx = { ...ctx, threadTransaction: this.#transaction };
    const { config } = this.#ctx;
    this.taskManager = new TaskManager(
      this.#ctx,
      {
        pause: (partitions) => this.#consumer.pause(partitions),
        resume: (partitions) => this.#consumer.resume(partitions),
        seek: (position) => this.#consumer.seek(position),
      },
      {
        onTasksChanged: () => this.#reportState(),
        onFatal: (error) => this.events.onFatal(error),
      },
    );
    const assignor = new StreamsPartitionAssignor({
      topology: options.topology,
      applicationId: config.applicationId,
      deadLetterTopic: this.#ctx.metadata.deadLetterTopic,
      numStandbyReplicas: config.numStandbyReplicas,
      logger: options.logger,
    });
    this.#consumer = new GroupConsumer(
      options.kafka,
      {
        groupId: this.#ctx.groupId,
        topics: options.sourceTopics,
        sessionTimeoutMs: config.sessionTimeoutMs,
        heartbeatIntervalMs: config.heartbeatIntervalMs,
        rebalanceTimeoutMs: config.rebalanceTimeoutMs,
        maxWaitTimeMs: config.fetchMaxWaitMs,
        partitionsConsumedConcurrently: 4,
        // Small fetches: a fetched batch is decoded into record objects that live until the
        // task has processed it, long enough for V8 to promote them all to the old
        // generation, whose garbage is collected lazily. 1 MiB per partition (Kafka's
        // default) made the instance's peak memory twice its working set; 64 KiB per
        // partition costs no throughput (a fetch still brings thousands of records).
        maxBytesPerPartition: 64 * 1024,
        maxBytes: 512 * 1024,
      },
      {
        subscriptionUserData: () => encodeSubscriptionInfo(this.taskManager.subscriptionInfo(config.applicationServer)),
        assign: (members, context) => Promise.resolve(assignor.assign(members, context)),
        onAssigned: (assignment) => {
          this.#consumerStalledSince = undefined;
          this.taskManager.onAssigned(assignment);
        },
        onRebalance: () => this.#onRebalance(),
        onHeartbeat: () => {
          this.#consumerStalledSince = undefined;
          options.metrics.progress.consumerAlive();
          this.taskManager.onHeartbeat();
        },
        onBatch: (batch) => this.taskManager.process(batch),
        onSkipped: (partition, first, last) => this.taskManager.skipped(partition, first, last),
        onCrash: (error, willRestart, stopped) => this.#onConsumerCrash(error, willRestart, stopped),
      },
    );
  }

  async start(): Promise<void> {
    await this.taskManager.loadLocalState();
    this.#scheduleTick();
    await this.#consumer.start();
  }

  /**
   * The group consumer stopped. A broker that went away (connection lost, coordinator
   * not found, leader moved) is waited out: kafkajs restarts the consumer when it thinks
   * the error retriable, this thread when kafkajs does not, with backoff, until the
   * consumer rejoins or taskTimeoutMs passes. Anything else stops the instance.
   */
  #onConsumerCrash(error: Error, willRestart: boolean, stopped: boolean): void {
    if (this.#stopped) return;
    const kind = classifyKafkaError(error);
    if (!stopped || (!willRestart && kind !== "retriable" && kind !== "rebalance")) {
      this.events.onFatal(error);
      return;
    }
    this.options.metrics.progress.consumerCrashed(error.message);
    const { taskTimeoutMs } = this.#ctx.config;
    const first = this.#consumerStalledSince === undefined;
    this.#consumerStalledSince ??= Date.now();
    const stalled = Date.now() - this.#consumerStalledSince;
    if (stalled >= taskTimeoutMs) {
      this.events.onFatal(new TaskTimeoutError("The group consumer", stalled, taskTimeoutMs, error));
      return;
    }
    const log = first ? "warn" : "debug";
    this.options.logger[log](
      { err: error, stalledMs: stalled },
      error instanceof ConsumerOutOfGroupError
        ? "the group consumer fell out of the group unnoticed; it is restarted and rejoins"
        : "the group consumer lost the broker; it rejoins the group once the broker is back",
    );
    this.events.onRebalancing();
    if (!willRestart) this.#restarting ??= this.#restartConsumer().finally(() => (this.#restarting = undefined));
  }

  async #restartConsumer(): Promise<void> {
    const { taskTimeoutMs } = this.#ctx.config;
    let delay = 200;
    while (!this.#stopped) {
      await sleep(Math.round(delay * (0.8 + Math.random() * 0.4)), this.#ctx.signal);
      if (this.#stopped) return;
      try {
        await this.#consumer.restart();
        return;
      } catch (error) {
        const stalled = Date.now() - (this.#consumerStalledSince ?? Date.now());
        if (classifyKafkaError(error) !== "retriable" || stalled >= taskTimeoutMs) {
          this.events.onFatal(
            classifyKafkaError(error) === "retriable"
              ? new TaskTimeoutError("The group consumer", stalled, taskTimeoutMs, error)
              : error instanceof Error
                ? error
                : new Error(String(error)),
          );
          return;
        }
        this.options.logger.debug({ err: error }, "the group consumer cannot rejoin yet; retrying");
        delay = Math.min(delay * 2, 10_000);
      }
    }
  }

  async #onRebalance(): Promise<void> {
    if (this.#stopped) return;
    this.options.metrics.rebalances += 1;
    this.options.metrics.progress.rebalanced();
    this.events.onRebalancing();
    // Hand over cleanly: what this member processed is committed before it rejoins
    // (kafkajs waits for this when the rebalance is noticed inside a batch).
    await this.taskManager.commitAll(true);
  }

  #reportState(): void {
    if (this.#stopped) return;
    if (this.taskManager.allRunning()) this.events.onRunning();
    else this.events.onRebalancing();
  }

  /** The next tick, once the last one is done. */
  #scheduleTick(): void {
    if (this.#stopped) return;
    const delay = nextTickInMs(Date.now(), TICK_MS, this.#transaction?.lastCommitAt, this.#ctx.config.commitIntervalMs);
    this.#ticker = setTimeout(() => this.#tick(), delay);
  }

  #tick(): void {
    if (this.#ticking || this.#stopped) return;
    this.#ticking = true;
    const now = Date.now();
    const punctuate = now - this.#lastPunctuate >= TICK_MS;
    if (punctuate) this.#lastPunctuate = now;
    void (async () => {
      try {
        if (punctuate) await this.taskManager.punctuateAll(now);
        await this.taskManager.commitAll(false);
        if (now - this.#lastPurge >= this.#ctx.config.repartitionPurgeIntervalMs && !this.#purging) {
          this.#lastPurge = now;
          // Off the commit path: DeleteRecords may wait out a broker outage.
          this.#purging = true;
          void this.#purgeRepartitionTopics().finally(() => {
            this.#purging = false;
          });
        }
      } catch (error) {
        this.options.logger.error({ err: error }, "commit or punctuation failed");
      } finally {
        this.#ticking = false;
        this.#scheduleTick();
      }
    })();
  }

  /** Repartition records that are processed and committed are deleted, so those topics do not grow forever. */
  async #purgeRepartitionTopics(): Promise<void> {
    const offsets = this.taskManager.purgeableRepartitionOffsets();
    if (offsets.length === 0) return;
    try {
      await this.#ctx.admin.deleteRecordsBefore(offsets);
      this.taskManager.markPurged(offsets);
    } catch (error) {
      this.options.logger.warn(
        { err: error },
        "deleting processed repartition records failed; retrying at the next purge",
      );
    }
  }

  /**
   * Commits and closes the tasks (clean), or drops their uncommitted work (after a
   * fatal error), then leaves the group so that the others take over at once.
   */
  async stop(clean: boolean): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#ticker) clearTimeout(this.#ticker);
    while (this.#ticking) await new Promise((resolve) => setTimeout(resolve, 5));
    // A restart on its way would bring the consumer back after it was stopped.
    await this.#restarting;
    await this.taskManager.close(clean);
    await this.#transaction?.close();
    await this.#consumer
      .stop()
      .catch((error: unknown) => this.options.logger.warn({ err: error }, "leaving the group failed"));
  }
}
