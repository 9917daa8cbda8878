// One active task, as Kafka Streams' StreamTask: the executor of its sub-topology for
// one partition, its state (overlay over the task's LevelDB), its record collector,
// and its lifecycle: initialise (fence, start offsets, restore, processors), process
// batches, punctuate, commit, suspend, close.
//
// How its work is committed under each guarantee is task-commit.ts's. A fenced producer or a
// failed commit drops the overlay and the buffered records; the task is then re-initialised from
// what Kafka and LevelDB hold (its committed state); under v2 every task of the thread is, as the
// transaction held all their work.
//
// Everything a task does (processing a batch, committing, punctuating, closing) runs
// one at a time, in the order asked. Its processing loop (task-batch-processing.ts), its
// commits (task-commit.ts), its uncommitted work and how it is sent or dropped
// (task-work.ts), where it starts from (task-start.ts, task-start-offsets.ts), its positions
// (task-positions.ts), records it cannot process (task-record-failures.ts) and why it
// stopped (task-problem.ts) each have a file of their own.
import type { Logger } from "pino";
import type { ConsumedBatch } from "../kafka/group-consumer.js";
import type { ConsumedRecord as KafkaConsumedRecord, TopicPartition, TopicPartitionOffset } from "../kafka/types.js";
import { topicPartitionKey } from "../kafka/types.js";
import { TaskOverlay } from "../stores/task-overlay.js";
import type { TaskStorage } from "../stores/task-storage.js";
import { TaskStateManager, offsetSum } from "./state-manager.js";
import { parseTaskId } from "../engine/task-id.js";
import type { TaskId } from "../engine/task-id.js";
import { SerialQueue } from "./serial-queue.js";
import { ReadGate } from "./read-gate.js";
import type { ReadWait } from "./read-gate.js";
import { PositionNotApplicableError } from "./errors.js";
import { TaskStateMachine } from "./task-state.js";
import type { TaskState } from "./task-state.js";
import type { TaskCommit } from "./thread-transaction.js";
import type { TaskContext } from "./task-context.js";
import { taskProblemOf } from "./task-problem.js";
import type { TaskProblem } from "./task-problem.js";
import { TaskPositions } from "./task-positions.js";
import { buildTaskExecutor } from "./task-processors.js";
import { startTask } from "./task-start.js";
import { TaskWork } from "./task-work.js";
import { TaskCommitter } from "./task-commit.js";
import { processBatch } from "./task-batch-processing.js";

export { TaskState } from "./task-state.js";

export class StreamTask {
  readonly id: TaskId;
  readonly partitions: readonly TopicPartition[];
  readonly subtopology: number;
  readonly partition: number;
  readonly #lifecycle: TaskStateMachine;
  readonly #queue = new SerialQueue();
  readonly #positions: TaskPositions;
  readonly #readGate = new ReadGate();
  #stateManager: TaskStateManager | undefined;
  /** What the task did since its last commit, and how it is sent or dropped. */
  readonly #work: TaskWork;
  readonly #committer: TaskCommitter;
  #problem: TaskProblem | undefined;
  /** Since when the task keeps failing on an unreachable broker (taskTimeoutMs bounds it). */
  #stalledSince: number | undefined;
  #restoredRecords = 0;
  #lastOffsetSum: number | undefined;
  readonly #logger: Logger;

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
    this.#logger = ctx.logger.child({ taskId: id });
    this.#work = new TaskWork(ctx, id, this.#readGate, this.#logger);
    this.#committer = new TaskCommitter({
      ctx,
      taskId: id,
      subtopology,
      partition,
      positions: this.#positions,
      readGate: this.#readGate,
      work: this.#work,
      logger: this.#logger,
      onCommitted: () => {
        this.#stalledSince = undefined;
      },
    });
  }

  get state(): TaskState {
    return this.#lifecycle.state;
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
    return this.#work.executor?.storeStreamTime(store);
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
      const { retry, giveUpAfterMs, offsets, committed, committedOffsets, ends } = await startTask(ctx, {
        taskId: this.id,
        partitions: this.partitions,
        logger: this.#logger,
        signal,
        stalledFor: () => this.#stalledFor(),
        ownProducer: (producer) => {
          this.#work.producer = producer;
        },
      });
      for (const [key, offset] of offsets) this.#positions.start(key, offset);
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
      const plan = await retry("reading changelog offsets", () =>
        stateManager.planRestore(ctx.reader, committedOffsets),
      );
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
      const executor = await buildTaskExecutor(ctx, {
        subtopology: this.subtopology,
        partition: this.partition,
        collector: this.#work.collector,
        overlay,
        logger: this.#logger,
        committed,
      });
      this.#work.started(overlay, executor);
      this.#stalledSince = undefined;
      this.#committer.restart();
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
      const outcome = await processBatch(batch, {
        ctx: this.ctx,
        positions: this.#positions,
        work: this.#work,
        committer: this.#committer,
      });
      if (outcome.failure !== undefined) this.#fail(outcome.failure.error, outcome.failure.record);
      if (outcome.last >= 0) {
        batch.resolve(outcome.last);
        this.ctx.metrics.addTaskRecords(this.id, outcome.processed);
      }
    });
  }

  /** Fires due wall-clock punctuators. */
  punctuate(now: number): Promise<void> {
    return this.#run(async () => {
      const executor = this.#work.executor;
      if (this.state !== "running" || !executor) return;
      try {
        const fired = await executor.punctuateWallClock(now);
        if (fired > 0) this.#work.dirty = true;
        if (this.#work.flush.error !== undefined) throw this.#work.flush.error;
        if (executor.takeCommitRequest() && this.#work.dirty) await this.#committer.commit();
      } catch (error) {
        if (this.#work.failures.continuesAfter(error)) {
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
      try {
        return await this.#committer.maybeCommit(now, force);
      } catch (error) {
        this.#fail(error, undefined);
        return false;
      }
    });
  }

  /**
   * Exactly-once v2, for the thread's commit (holding the thread's lock): what this task adds
   * to the transaction (task-commit.ts); undefined when it is not running.
   */
  prepareCommit(): Promise<TaskCommit | undefined> {
    if (this.state !== "running") return Promise.resolve(undefined);
    return this.#committer.prepareCommit((error) => this.#commitFailed(error));
  }

  /** The thread's commit failed after the task went on processing: the task reports it, once for the thread. */
  #commitFailed(error: unknown): void {
    void this.#run(async () => {
      const thread = this.ctx.threadTransaction;
      if (this.state === "running" && thread?.claimFailure() === true) this.#fail(error, undefined);
    });
  }

  #fail(error: unknown, record: KafkaConsumedRecord | undefined): void {
    const thread = this.ctx.threadTransaction;
    const problem = taskProblemOf({
      taskId: this.id,
      error,
      record,
      sendError: this.#work.flush.error,
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
    thread?.claimFailure();
    this.#lifecycle.moveTo(problem.kind === "failed" ? "failed" : "suspended");
    this.#readGate.abandon(`task ${this.id} stopped: ${problem.kind}`);
    if (problem.kind === "failed") {
      this.#logger.error(
        { err: error, topic: record?.topic, partition: record?.partition, offset: record?.offset },
        "task failed",
      );
    } else {
      this.ctx.metrics.transactionAborts += this.#work.producer || thread ? 1 : 0;
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
      await this.#committer.drop();
      if (this.state !== "failed") this.#lifecycle.moveTo("suspended");
      this.#readGate.abandon(`task ${this.id} is suspended`);
    });
  }

  /**
   * Ends the task here. Clean: commits what it processed (unless it is not running),
   * then closes. Dirty: drops uncommitted work. With `keepStorage` the task's storage is
   * returned open (for a standby of the same task on this instance); otherwise closed.
   */
  close(options: { clean: boolean; keepStorage?: boolean }): Promise<TaskStorage | undefined> {
    return this.#run(async () => {
      if (this.state === "closed") return undefined;
      if (options.clean && this.state === "running") await this.#committer.commitBeforeClose();
      await this.#committer.drop();
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
