// One active task, as Kafka Streams' StreamTask: the executor of its sub-topology for
// one partition, its state (overlay over the task's LevelDB), its record collector,
// and how its work is committed.
//
// Exactly-once v2 (the default): the stream thread's transaction (thread-transaction.ts)
// holds every task's outputs, dead letters and changelog records; a commit drains every
// task (prepareCommit), adds all consumed offsets with the group's generation, and commits
// once; then each task's overlay and checkpoint reach LevelDB. Exactly-once v1: the task owns
// a transactional producer (`<applicationId>-<taskId>`) and commits alone, the same way.
// A fenced producer or a failed commit drops the overlay and the buffered records; the
// task is then re-initialised from what Kafka and LevelDB hold (its committed state); under
// v2 every task of the thread is, as the transaction held all their work.
//
// At-least-once: outputs and changelogs go through the instance's idempotent producer;
// offsets are committed once the broker acknowledged them, then the overlay is written.
//
// Everything a task does (processing a batch, committing, punctuating, closing) runs
// one at a time, in the order asked. Where it starts reading (task-start-offsets.ts), its
// positions (task-positions.ts), its background flush (inflight-flush.ts), records it
// cannot process (task-record-failures.ts), its changelog writes (task-changelog-writes.ts)
// and why it stopped (task-problem.ts) each have a file of their own.
import type { Logger } from "pino";
import { retryWithBackoff } from "../kafka/backoff.js";
import { classifyKafkaError } from "../kafka/errors.js";
import type { ConsumedBatch } from "../kafka/group-consumer.js";
import type { IdempotentProducer } from "../kafka/idempotent-producer.js";
import { TransactionalProducer } from "../kafka/transactional-producer.js";
import type {
  ConsumedRecord as KafkaConsumedRecord,
  OffsetToCommit,
  ProducedOffsets,
  ProducedRecord as KafkaProducedRecord,
  TopicPartition,
  TopicPartitionOffset,
} from "../kafka/types.js";
import { topicPartitionKey } from "../kafka/types.js";
import { TaskOverlay } from "../stores/task-overlay.js";
import type { TaskStorage } from "../stores/task-storage.js";
import type { ChangelogPartition } from "./topology-metadata.js";
import { KafkaRecordCollector } from "./kafka-record-collector.js";
import { TaskStateManager, offsetSum } from "./state-manager.js";
import type { TaskExecutor } from "../engine/task-executor.js";
import type { ProcessOutcome } from "../engine/task-executor.js";
import { parseTaskId } from "../engine/task-id.js";
import type { TaskId } from "../engine/task-id.js";
import { SerialQueue } from "./serial-queue.js";
import { ReadGate } from "./read-gate.js";
import type { ReadWait } from "./read-gate.js";
import { PositionNotApplicableError, TaskTimeoutError } from "./errors.js";
import { TaskStateMachine } from "./task-state.js";
import type { TaskState } from "./task-state.js";
import type { TaskCommit } from "./thread-transaction.js";
import type { TaskContext } from "./task-context.js";
import { taskProblemOf } from "./task-problem.js";
import type { TaskProblem } from "./task-problem.js";
import { TaskPositions } from "./task-positions.js";
import { InflightFlush } from "./inflight-flush.js";
import { TaskRecordFailures } from "./task-record-failures.js";
import { addChangelogRecords, checkpointOf } from "./task-changelog-writes.js";
import { startOffsets } from "./task-start-offsets.js";
import { committedTaskTime, encodeTopicPartitionMetadata } from "./topic-partition-metadata.js";
import { buildTaskExecutor } from "./task-processors.js";

export { TaskState } from "./task-state.js";

/**
 * How long a task processes before it lets I/O callbacks run. Several tasks process
 * concurrently, so the event loop polls once every few of these: kept short, because
 * every round trip of a commit (produce, AddOffsetsToTxn, TxnOffsetCommit, EndTxn, the
 * LevelDB write) waits for a poll, and a task does not process while it commits.
 */
const YIELD_EVERY_MS = 1;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class StreamTask {
  readonly id: TaskId;
  readonly partitions: readonly TopicPartition[];
  readonly subtopology: number;
  readonly partition: number;
  readonly #lifecycle: TaskStateMachine;
  readonly #queue = new SerialQueue();
  readonly #positions: TaskPositions;
  readonly #readGate = new ReadGate();
  /** At-least-once: a background flush made outputs visible; commit at the next tick. */
  #commitSoon = false;
  #stateManager: TaskStateManager | undefined;
  #overlay: TaskOverlay | undefined;
  #executor: TaskExecutor | undefined;
  #producer: TransactionalProducer | undefined;
  readonly #collector: KafkaRecordCollector;
  /** The flush on its way to the broker while processing goes on, and what made a send fail. */
  readonly #flush: InflightFlush;
  readonly #failures: TaskRecordFailures;
  /** Each output topic's max.message.bytes, so that no batch sent goes beyond it. */
  readonly #maxBatchBytes = (topic: string): number =>
    this.ctx.topicPartitions.rules(topic)?.maxMessageBytes ?? Number.MAX_SAFE_INTEGER;
  /** The input record being processed, for the dead letters of the output it makes. */
  #current: KafkaConsumedRecord | undefined;
  #dirty = false;
  #lastCommit = Date.now();
  #problem: TaskProblem | undefined;
  /** Since when the task keeps failing on an unreachable broker (taskTimeoutMs bounds it). */
  #stalledSince: number | undefined;
  #restoredRecords = 0;
  #lastOffsetSum: number | undefined;
  readonly #logger: Logger;
  readonly #changelogs: readonly ChangelogPartition[];

  constructor(
    private readonly ctx: TaskContext,
    id: TaskId,
    private handedOverStorage: TaskStorage | undefined,
    /** Called (once per problem) when the task stops working; the task manager decides what comes next. */
    private readonly onProblem: (task: StreamTask, problem: TaskProblem) => void,
  ) {
    this.id = id;
    this.#lifecycle = new TaskStateMachine(id);
    const { subtopology, partition } = parseTaskId(id);
    this.subtopology = subtopology;
    this.partition = partition;
    this.partitions = ctx.metadata.partitionsOf(id);
    this.#positions = new TaskPositions(this.partitions);
    this.#changelogs = ctx.metadata.changelogPartitionsOf(id);
    this.#logger = ctx.logger.child({ taskId: id });
    // A flush is sent in the background while the task goes on (see #flushInTransaction);
    // the producers cut it into produce requests of a size the broker accepts.
    this.#collector = new KafkaRecordCollector(
      ctx.topicPartitions,
      () => this.#flushInTransaction(),
      { maxRecords: 2_000, maxBytes: 2 * 1024 * 1024 },
      (record, refusal) => this.#failures.refused(record, refusal),
    );
    this.#flush = new InflightFlush((records) => this.#send(records));
    this.#failures = new TaskRecordFailures({
      taskId: id,
      config: ctx.config,
      deadLetterTopic: ctx.metadata.deadLetterTopic,
      metrics: ctx.metrics,
      logger: this.#logger,
      flush: this.#flush,
      sendDeadLetter: (record) => this.#collector.send(record),
      current: () => this.#current,
    });
  }

  get state(): TaskState {
    return this.#lifecycle.state;
  }

  /**
   * When the commit interval started: this task's last commit, or under v2 the thread's, which
   * commits every task at once. A task idle at the thread's last commit would otherwise count
   * from its own older one and, once it processes again, commit the whole thread at once.
   */
  get #lastCommitAt(): number {
    return this.ctx.threadTransaction?.lastCommitAt ?? this.#lastCommit;
  }

  /** One step of the task's work; under v2 also holding the thread's lock (see thread-transaction.ts). */
  #run<T>(work: () => Promise<T>): Promise<T> {
    const thread = this.ctx.threadTransaction;
    return this.#queue.run(thread === undefined ? work : () => thread.locked(work));
  }

  get problem(): TaskProblem | undefined {
    return this.#problem;
  }

  /** Next offset to process, per input partition. */
  positions(): TopicPartitionOffset[] {
    return this.#positions.positions();
  }

  /** The offsets committed for the task's input partitions (the next record to process). */
  committedOffsets(): TopicPartitionOffset[] {
    return this.#positions.committedOffsets();
  }

  /**
   * Records behind the end of each input partition, as of the last fetched batch.
   * Transaction markers and aborted records the consumer moved past are not counted:
   * 0 once everything readable is processed.
   */
  lag(): Array<TopicPartition & { lag: number }> {
    return this.#positions.lag();
  }

  /**
   * A fetch of an input partition from `firstOffset` to `lastOffset` held nothing to
   * process. When it started where this task stands, the task is clear up to its end.
   */
  skipped(partition: TopicPartition, firstOffset: number, lastOffset: number): void {
    if (this.state !== "running") return;
    this.#positions.skipped(partition, firstOffset, lastOffset);
  }

  /**
   * What a lookup of this task's stores must wait for to read its writes: the commit
   * that makes visible outputs' state readable, and the store position `bound` (offsets
   * of input records the caller wants reflected; bounds on other partitions do not
   * concern this task, as with Kafka Streams' PositionBound). undefined: read now.
   */
  awaitReadable(bound: readonly TopicPartitionOffset[], timeoutMs: number): ReadWait {
    if (this.state !== "running") return undefined;
    const mine = bound.filter((b) => b.partition === this.partition);
    for (const b of mine) {
      if (!this.partitions.some((tp) => tp.topic === b.topic)) {
        throw new PositionNotApplicableError(this.id, b.topic, [...new Set(this.partitions.map((tp) => tp.topic))]);
      }
    }
    return this.#readGate.wait(mine, timeoutMs);
  }

  /** The stream time a store of the running task has seen (a versioned store's, which bounds its history); queries read it. */
  storeStreamTime(store: string): number | undefined {
    return this.#executor?.storeStreamTime(store);
  }

  /** The committed storage (what queries read), while the task holds it open. */
  get storage(): TaskStorage | undefined {
    return this.#stateManager?.storage;
  }

  get restoredRecords(): number {
    return this.#restoredRecords;
  }

  /** The checkpoint offset sum the task's state had when it closed (for the assignor). */
  get lastOffsetSum(): number | undefined {
    return this.#lastOffsetSum;
  }

  /**
   * Takes the task from nothing to processing: fence older owners (exactly-once),
   * read where the group stands, restore the stores from their checkpoints to the
   * changelog ends, and build the processors. A task never processes before this
   * resolves; `signal` stops it at the next step when the task is revoked meanwhile.
   */
  initialize(signal: AbortSignal): Promise<void> {
    return this.#queue.run(async () => {
      if (this.state !== "created" && this.state !== "suspended") return;
      this.#lifecycle.moveTo("restoring");
      this.#problem = undefined;
      const { ctx } = this;
      const giveUpAfterMs = Math.max(0, ctx.config.taskTimeoutMs - this.#stalledFor());
      const retry = async <T>(what: string, fn: () => Promise<T>) => {
        try {
          return await retryWithBackoff(fn, {
            what: `${what} (task ${this.id})`,
            logger: this.#logger,
            signal,
            giveUpAfterMs,
          });
        } catch (error) {
          if (signal.aborted || classifyKafkaError(error) !== "retriable") throw error;
          throw new TaskTimeoutError(`Task ${this.id}`, this.#stalledFor(), ctx.config.taskTimeoutMs, error);
        }
      };
      const thread = ctx.threadTransaction;
      if (ctx.config.processingGuarantee === "exactly_once") {
        this.#producer = new TransactionalProducer(ctx.kafka, {
          transactionalId: `${ctx.config.applicationId}-${this.id}`,
          transactionTimeoutMs: ctx.config.transactionTimeoutMs,
          deliveryTimeoutMs: ctx.config.deliveryTimeoutMs,
        });
        const producer = this.#producer;
        // InitProducerId: from here on an older owner of this task can commit nothing.
        await retry("initializing the transactional producer", () => producer.init());
      } else if (thread !== undefined) {
        await retry("initializing the thread's transactional producer", () => thread.init());
      }
      const start = await startOffsets(this.partitions, {
        groupId: ctx.groupId,
        admin: ctx.admin,
        reader: ctx.reader,
        metadata: ctx.metadata,
        stable: thread !== undefined,
        retry,
      });
      for (const [key, offset] of start.offsets) this.#positions.start(key, offset);
      // Where the last owner left off: partition times and processor metadata (Kafka Streams' initializeTaskTime).
      const committed = committedTaskTime(this.partitions, start.committed);
      for (const { partition, problem } of committed.problems) {
        this.#logger.warn(
          { topic: partition.topic, partition: partition.partition, problem },
          "the committed offset's metadata is not Kafka Streams' TopicPartitionMetadata: partition time unknown",
        );
      }
      // At-least-once: an earlier owner may have answered records this task is about to
      // process again; lookups wait until it has (read-gate.ts, catchUp).
      const ends =
        ctx.config.processingGuarantee === "at_least_once"
          ? await retry("reading input end offsets", () => ctx.reader.endOffsets(this.partitions))
          : undefined;
      if (signal.aborted) return;

      this.#stateManager ??= await TaskStateManager.open({
        taskId: this.id,
        changelogs: ctx.metadata.changelogPartitionsOf(this.id),
        timestampedStores: ctx.metadata.timestampedStoresOf(this.id),
        persistent: ctx.topology.storesOf(this.subtopology).some((s) => s.persistent),
        location: ctx.location,
        logger: this.#logger,
        storage: this.handedOverStorage,
      });
      this.handedOverStorage = undefined;
      const stateManager = this.#stateManager;
      const plan = await retry("reading changelog offsets", () => stateManager.planRestore(ctx.reader));
      const restored = await ctx.changelogReader.restore({
        taskId: this.id,
        storage: stateManager.storage,
        partitions: plan.partitions,
        signal,
        giveUpAfterMs,
      });
      this.#restoredRecords = restored.restored;
      if (restored.aborted || signal.aborted) return;

      const overlay = new TaskOverlay(stateManager.storage);
      this.#overlay = overlay;
      this.#executor = await buildTaskExecutor(ctx, {
        subtopology: this.subtopology,
        partition: this.partition,
        collector: this.#collector,
        overlay,
        logger: this.#logger,
        committed,
      });
      this.#flush.forget();
      this.#dirty = false;
      this.#commitSoon = false;
      this.#stalledSince = undefined;
      this.#lastCommit = Date.now();
      this.#lifecycle.moveTo("running");
      // Restored to the changelogs' ends: the store holds what the committed offsets say.
      if (ends !== undefined)
        this.#readGate.catchUp(this.partitions.map((tp) => ({ ...tp, offset: ends.get(topicPartitionKey(tp)) ?? 0 })));
      this.#readGate.open(this.#positions.readable());
      this.#logger.info(
        {
          partitions: this.positions().map((p) => `${p.topic}-${p.partition}@${p.offset}`),
          restored: restored.restored,
          wiped: plan.wiped,
        },
        "task running",
      );
    });
  }

  /** Processes a fetched batch of one input partition, from the task's position on. */
  process(batch: ConsumedBatch): Promise<void> {
    return this.#run(async () => {
      if (this.state !== "running") return;
      const key = topicPartitionKey(batch);
      this.#positions.fetched(key, batch.highWatermark);
      let position = this.#positions.position(key);
      let last = -1;
      let processed = 0;
      let current: KafkaConsumedRecord | undefined;
      const commitInterval = this.ctx.config.commitIntervalMs;
      const executor = this.#executor as TaskExecutor;
      let lastYield = Date.now();
      let complete = true;
      if (this.ctx.partitionerCheck?.checks(batch.topic) === true) {
        this.ctx.partitionerCheck.check(batch.topic, batch.partition, batch.records, position);
      }
      try {
        for (const record of batch.records) {
          // A seek pending for the partition (set between fetches) makes the rest of the batch stale.
          if ((processed & 255) === 0 && batch.isStale()) {
            complete = false;
            break;
          }
          // A batch fetched before a seek can start below the position: never process twice.
          if (record.offset < position) continue;
          current = record;
          this.#current = record;
          let outcome: ProcessOutcome | undefined;
          if (record.undecodable !== undefined) {
            await this.#failures.undecodableBatch(record, record.undecodable);
          } else {
            try {
              const result = executor.processNow(record);
              outcome = result instanceof Promise ? await result : result;
            } catch (error) {
              await this.#failures.processorFailed(record, error);
            }
          }
          if (outcome !== undefined && outcome.status !== "processed")
            await this.#failures.unprocessed(record, outcome);
          position = record.offset + 1;
          last = record.offset;
          processed += 1;
          this.#positions.advance(key, position);
          this.ctx.metrics.recordsProcessed += 1;
          if (this.#flush.error !== undefined) throw this.#flush.error;
          if (executor.takeCommitRequest()) {
            // context.commit(): this record's work is committed now, not at the next interval.
            this.#dirty = true;
            await this.#commit();
            lastYield = Date.now();
          } else if ((processed & 31) === 0) {
            const now = Date.now();
            // A batch can hold a MiB of records: the commit interval is honoured within it,
            // as Kafka Streams checks it between records, so transactions stay short.
            if (now - this.#lastCommitAt >= commitInterval) {
              this.#dirty = true;
              await this.#commit();
            } else if (now - lastYield >= YIELD_EVERY_MS) {
              // Records whose stores answer from memory are processed in one chain of
              // microtasks, which would starve the sockets: let the event loop breathe, so
              // that produce responses and other tasks' commits are not held up.
              await yieldToEventLoop();
            }
            lastYield = Date.now();
          }
        }
        // Markers and aborted records after the last record need no processing.
        if (complete && batch.lastOffset >= position) this.#positions.clearTo(key, batch.lastOffset + 1);
      } catch (error) {
        this.#fail(error, current);
      } finally {
        if (last >= 0) {
          batch.resolve(last);
          this.#dirty = true;
          this.ctx.metrics.addTaskRecords(this.id, processed);
        }
      }
    });
  }

  /** Fires due wall-clock punctuators. */
  punctuate(now: number): Promise<void> {
    return this.#run(async () => {
      if (this.state !== "running" || !this.#executor) return;
      try {
        const fired = await this.#executor.punctuateWallClock(now);
        if (fired > 0) this.#dirty = true;
        if (this.#flush.error !== undefined) throw this.#flush.error;
        if (this.#executor.takeCommitRequest() && this.#dirty) await this.#commit();
      } catch (error) {
        if (this.#failures.continuesAfter(error)) {
          this.#logger.error({ err: error }, "punctuation failed; continuing as configured");
          return;
        }
        this.#fail(error, undefined);
      }
    });
  }

  /** Commits when there is uncommitted work and the commit interval has passed (or `force`). */
  maybeCommit(now: number, force = false): Promise<boolean> {
    return this.#run(async () => {
      if (this.state !== "running") return false;
      if (!this.#dirty) {
        // Only markers or aborted records were left to read: the store has caught up without a commit.
        if (this.#readGate.catchingUp) this.#readGate.open(this.#positions.readable());
        return false;
      }
      if (!force && !this.#commitSoon && now - this.#lastCommitAt < this.ctx.config.commitIntervalMs) return false;
      try {
        await this.#commit();
        return true;
      } catch (error) {
        this.#fail(error, undefined);
        return false;
      }
    });
  }

  async #commit(): Promise<void> {
    const { ctx } = this;
    // v2: one commit for every task of the thread (each one's prepareCommit, then EndTxn).
    if (ctx.threadTransaction !== undefined) return ctx.threadTransaction.commit();
    const started = Date.now();
    const overlay = this.#overlay as TaskOverlay;
    // What the record cache folded goes downstream now, into this transaction (Kafka
    // Streams flushes its caches before it commits).
    await (this.#executor as TaskExecutor).flushCaches();
    this.#addChangelogRecords(overlay);
    // Changed processor metadata goes with every input partition (Kafka Streams' needsCommit).
    const metadataChanged = this.#executor?.processorMetadata.needsCommit === true;
    const offsets = this.#withMetadata(
      metadataChanged ? this.positions() : this.#positions.uncommitted(this.positions()),
    );
    let produced: ProducedOffsets[];
    /** At-least-once offsets the group did not take (it is rebalancing): no progress to report. */
    let lost = false;
    if (this.#producer) {
      const producer = this.#producer;
      const records = this.#collector.drain();
      // The last records and the offsets travel at the same time, as Kafka's producer
      // sends them: only EndTxn must wait for both.
      const [sent, offsetsSent] = await Promise.allSettled([
        this.#flush.settle().then(() => producer.send(records, this.#maxBatchBytes)),
        producer.sendOffsets(ctx.groupId, offsets),
      ]);
      if (sent.status === "rejected") throw sent.reason;
      if (offsetsSent.status === "rejected") throw offsetsSent.reason;
      produced = sent.value;
      // Once EndTxn is sent, the replies may be read before the overlay reaches LevelDB.
      this.#readGate.close();
      await producer.commit();
    } else {
      await this.#flush.settle();
      this.#readGate.close();
      produced = await (ctx.sharedProducer as IdempotentProducer).send(this.#collector.drain(), this.#maxBatchBytes);
      try {
        await ctx.commitOffsets(offsets);
      } catch (error) {
        // At-least-once: the group moved on; the next owner reprocesses from the last commit.
        if (classifyKafkaError(error) !== "rebalance") throw error;
        this.#logger.warn({ err: error }, "offsets not committed: the group is rebalancing");
        lost = true;
      }
    }
    await this.#committedNow(overlay, offsets, produced, started, !lost);
  }

  /** The transaction committed (or the at-least-once offsets were): the state and its checkpoint follow. */
  async #committedNow(
    overlay: TaskOverlay,
    offsets: readonly TopicPartitionOffset[],
    produced: readonly ProducedOffsets[],
    started: number,
    progressed = true,
  ): Promise<void> {
    this.#positions.committed(offsets);
    if (progressed && this.#executor !== undefined) this.#executor.processorMetadata.needsCommit = false;
    if (offsets.length > 0 && progressed) this.ctx.metrics.progress.committed(this.id);
    // The changelog records are in Kafka for good: the state and its checkpoint follow.
    const changelogTopics = new Set(this.ctx.metadata.subtopology(this.subtopology).changelogTopics.values());
    await overlay.commit(checkpointOf(produced, changelogTopics));
    this.#readGate.open(this.#positions.readable());
    this.#dirty = false;
    this.#commitSoon = false;
    this.#stalledSince = undefined;
    this.#lastCommit = Date.now();
    this.ctx.metrics.recordCommit(this.#lastCommit - started);
  }

  /**
   * Exactly-once v2, for the thread's commit (holding the thread's lock): what this task adds
   * to the transaction. A running task gives the positions of all its input partitions, so
   * that every commit passes the group's generation check; one with uncommitted work also
   * its folded cache entries, changelog records and last outputs.
   */
  async prepareCommit(): Promise<TaskCommit | undefined> {
    const overlay = this.#overlay;
    const executor = this.#executor;
    if (this.state !== "running" || overlay === undefined || executor === undefined) return undefined;
    const started = Date.now();
    const offsets = this.#withMetadata(this.positions());
    const noop = { closeReadGate: () => undefined, complete: () => Promise.resolve() };
    if (!this.#dirty) return { records: [], offsets, ...noop };
    await executor.flushCaches();
    this.#addChangelogRecords(overlay);
    await this.#flush.settle();
    const changed = this.#positions.uncommitted(offsets);
    return {
      records: this.#collector.drain(),
      offsets,
      closeReadGate: () => this.#readGate.close(),
      complete: (produced) => this.#committedNow(overlay, changed, produced, started),
    };
  }

  /**
   * Each offset with the metadata Kafka Streams commits with it: the partition's partition
   * time and the task's processor metadata (topic-partition-metadata.ts).
   */
  #withMetadata(offsets: readonly TopicPartitionOffset[]): OffsetToCommit[] {
    const executor = this.#executor;
    if (executor === undefined) return [...offsets];
    const metadata = executor.processorMetadata;
    return offsets.map((o) => ({
      ...o,
      metadata: encodeTopicPartitionMetadata(executor.partitionTime(o.topic), metadata),
    }));
  }

  /** The overlay's pending writes become this commit's changelog records. */
  #addChangelogRecords(overlay: TaskOverlay): void {
    const streamTime = Math.max(0, this.#executor?.streamTime ?? 0) || Date.now();
    addChangelogRecords(this.#changelogs, overlay, this.partition, streamTime, (record) => this.#collector.add(record));
  }

  /**
   * The collector is full: send what it holds, in the open transaction, without waiting
   * for the broker, as Kafka's producer sends in the background; processing goes on
   * while at most one flush is in flight. A failed send dooms the transaction: it is
   * remembered and reported by the next record processed, or by the commit.
   */
  async #flushInTransaction(): Promise<void> {
    if (this.#flush.error !== undefined) return;
    const records = this.#collector.drain();
    const atLeastOnce = !this.#producer && this.ctx.threadTransaction === undefined;
    await this.#flush.start(
      records,
      // At-least-once: these records are readable as soon as they land, before the state
      // that goes with them is committed; lookups wait for that commit, due at once.
      atLeastOnce
        ? () => {
            this.#readGate.close();
            this.#commitSoon = true;
          }
        : undefined,
    );
  }

  #send(records: KafkaProducedRecord[]): Promise<ProducedOffsets[]> {
    if (this.ctx.threadTransaction !== undefined) return this.ctx.threadTransaction.send(records);
    return this.#producer
      ? this.#producer.send(records, this.#maxBatchBytes)
      : (this.ctx.sharedProducer as IdempotentProducer).send(records, this.#maxBatchBytes);
  }

  #fail(error: unknown, record: KafkaConsumedRecord | undefined): void {
    const thread = this.ctx.threadTransaction;
    const problem = taskProblemOf({
      taskId: this.id,
      error,
      record,
      sendError: this.#flush.error,
      threadTransaction: thread !== undefined,
      taskTimeoutMs: this.ctx.config.taskTimeoutMs,
      stalled: () => {
        this.#stalledSince ??= Date.now();
        return this.#stalledFor();
      },
    });
    this.#problem = problem;
    // v2: the thread's transaction holds this task's lost work; no other task may commit it.
    thread?.doom(error);
    this.#lifecycle.moveTo(problem.kind === "failed" ? "failed" : "suspended");
    this.#readGate.abandon(`task ${this.id} stopped: ${problem.kind}`);
    if (problem.kind === "failed") {
      this.#logger.error(
        { err: error, topic: record?.topic, partition: record?.partition, offset: record?.offset },
        "task failed",
      );
    } else {
      this.ctx.metrics.transactionAborts += this.#producer || thread ? 1 : 0;
      this.ctx.metrics.progress.taskFailed(
        this.id,
        this.committedOffsets()
          .map((o) => `${o.topic}-${o.partition}@${o.offset}`)
          .join(", "),
        error instanceof Error ? error.message : String(error),
      );
      this.#logger.warn(
        { err: error, reason: problem.kind },
        "task lost its uncommitted work; it will be re-initialised",
      );
    }
    this.onProblem(this, problem);
  }

  #stalledFor(): number {
    return this.#stalledSince === undefined ? 0 : Date.now() - this.#stalledSince;
  }

  /**
   * Drops uncommitted work and the producer, keeping the committed state open, so that
   * initialize() can bring the task back from what Kafka and LevelDB hold.
   */
  suspend(): Promise<void> {
    return this.#run(async () => {
      if (this.state === "closed") return;
      await this.#dropUncommitted();
      if (this.state !== "failed") this.#lifecycle.moveTo("suspended");
      this.#readGate.abandon(`task ${this.id} is suspended`);
    });
  }

  async #dropUncommitted(): Promise<void> {
    await this.#flush.drop();
    this.#collector.discard();
    try {
      this.#overlay?.discard();
    } catch (error) {
      this.#logger.warn({ err: error }, "cannot discard the overlay");
    }
    this.#overlay = undefined;
    const executor = this.#executor;
    this.#executor = undefined;
    await executor?.close().catch((error: unknown) => this.#logger.warn({ err: error }, "a processor failed to close"));
    const producer = this.#producer;
    this.#producer = undefined;
    if (producer) {
      // Aborting frees the partitions' LSO at once; a fenced producer cannot, and need not.
      await producer.abort().catch(() => undefined);
      await producer.close().catch(() => undefined);
    }
    this.#positions.rewind();
    this.#dirty = false;
    this.#commitSoon = false;
  }

  /**
   * Ends the task here. Clean: commits what it processed (unless it is not running),
   * then closes. Dirty: drops uncommitted work. With `keepStorage` the task's storage is
   * returned open (for a standby of the same task on this instance); otherwise closed.
   */
  close(options: { clean: boolean; keepStorage?: boolean }): Promise<TaskStorage | undefined> {
    return this.#run(async () => {
      if (this.state === "closed") return undefined;
      if (options.clean && this.state === "running") {
        try {
          if (this.#dirty) await this.#commit();
        } catch (error) {
          this.#logger.warn({ err: error }, "final commit failed; the next owner resumes from the last commit");
        }
      }
      await this.#dropUncommitted();
      this.#lifecycle.moveTo("closed");
      this.ctx.metrics.closeNodeCounters(this.id);
      this.#readGate.abandon(`task ${this.id} is closed`);
      const stateManager = this.#stateManager;
      this.#stateManager = undefined;
      if (!stateManager) return this.handedOverStorage;
      this.#lastOffsetSum = offsetSum(await stateManager.checkpoint().catch(() => new Map<string, number>()));
      if (options.keepStorage) return stateManager.storage;
      await stateManager.close();
      return undefined;
    });
  }
}
