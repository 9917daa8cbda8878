// How an active task's work is committed [StreamTask.prepareCommit / postCommit,
// TaskExecutor.commitOffsetsOrTransaction]. Before anything is sent, what the record cache
// folded goes downstream (Kafka Streams flushes its caches before it commits) and the
// overlay's writes become changelog records. Then:
// - exactly-once v2: the thread's commit (thread-transaction.ts) asks every task for its
//   part (prepareCommit) and commits them all in one transaction;
// - exactly-once v1: the task's own transaction (its producer's transactional id is
//   `<applicationId>-<taskId>`) takes its last records and its offsets, then EndTxn;
// - at-least-once: the records go through the idempotent producer, then the offsets.
// Once Kafka holds the commit, the overlay and the changelog checkpoint reach LevelDB in
// one batch, and lookups waiting for the task's visible outputs may read its store.
import type { Logger } from "pino";
import { classifyKafkaError } from "../kafka/errors.js";
import type { IdempotentProducer } from "../kafka/idempotent-producer.js";
import type { OffsetToCommit, ProducedOffsets, TopicPartitionOffset } from "../kafka/types.js";
import type { SealedWrites, TaskOverlay } from "../stores/task-overlay.js";
import type { TaskExecutor } from "../engine/task-executor.js";
import type { TaskId } from "../engine/task-id.js";
import type { ReadGate } from "./read-gate.js";
import { addChangelogRecords, checkpointOf } from "./task-changelog-writes.js";
import type { TaskContext } from "./task-context.js";
import type { TaskPositions } from "./task-positions.js";
import type { TaskWork } from "./task-work.js";
import type { TaskCommit } from "./thread-transaction.js";
import type { ChangelogPartition } from "./topology-metadata.js";
import { encodeTopicPartitionMetadata } from "./topic-partition-metadata.js";

export interface TaskCommitterOptions {
  readonly ctx: TaskContext;
  readonly taskId: TaskId;
  readonly subtopology: number;
  readonly partition: number;
  readonly positions: TaskPositions;
  readonly readGate: ReadGate;
  readonly work: TaskWork;
  readonly logger: Logger;
  /** The task's work reached Kafka and its store: it is no longer stalled. */
  onCommitted(): void;
}

export class TaskCommitter {
  readonly #changelogs: readonly ChangelogPartition[];
  #lastCommit = Date.now();

  constructor(private readonly options: TaskCommitterOptions) {
    this.#changelogs = options.ctx.metadata.changelogPartitionsOf(options.taskId);
  }

  /**
   * When the commit interval started: this task's last commit, or under v2 the thread's, which
   * commits every task at once. A task idle at the thread's last commit would otherwise count
   * from its own older one and, once it processes again, commit the whole thread at once.
   */
  get lastCommitAt(): number {
    return this.options.ctx.threadTransaction?.lastCommitAt ?? this.#lastCommit;
  }

  /**
   * Whether the commit interval has passed at `now`. Under v2 not while the thread's last commit
   * is still ending (for a while: ThreadTransaction.committing): the task goes on processing and
   * commits once that one ended.
   */
  due(now: number): boolean {
    const { ctx } = this.options;
    if (now - this.lastCommitAt < ctx.config.commitIntervalMs) return false;
    return ctx.threadTransaction?.committing(now) !== true;
  }

  /** The task (re)starts: its commit interval counts from now. */
  restart(): void {
    this.#lastCommit = Date.now();
  }

  /**
   * Commits the task's work: under v2 the thread's commit of every task, otherwise the task's
   * own. `inBackground` (v2): returns once the work is taken, the task goes on processing while
   * the commit ends (thread-transaction.ts).
   */
  async commit(options: { inBackground?: boolean } = {}): Promise<void> {
    const { ctx, work, positions, readGate } = this.options;
    // v2: one commit for every task of the thread (each one's prepareCommit, then EndTxn).
    if (ctx.threadTransaction !== undefined) return ctx.threadTransaction.commit(options);
    const started = Date.now();
    const overlay = work.overlay as TaskOverlay;
    await (work.executor as TaskExecutor).flushCaches();
    this.#addChangelogRecords(overlay);
    // Changed processor metadata goes with every input partition (Kafka Streams' needsCommit).
    const metadataChanged = work.executor?.processorMetadata.needsCommit === true;
    const offsets = this.#withMetadata(
      metadataChanged ? positions.positions() : positions.uncommitted(positions.positions()),
    );
    let produced: ProducedOffsets[];
    /** At-least-once offsets the group did not take (it is rebalancing): no progress to report. */
    let lost = false;
    if (work.producer) {
      const producer = work.producer;
      const records = work.collector.drain();
      // The last records and the offsets travel at the same time, as Kafka's producer
      // sends them: only EndTxn must wait for both.
      const [sent, offsetsSent] = await Promise.allSettled([
        work.flush.settle().then(() => producer.send(records, work.maxBatchBytes)),
        producer.sendOffsets(ctx.groupId, offsets),
      ]);
      if (sent.status === "rejected") throw sent.reason;
      if (offsetsSent.status === "rejected") throw offsetsSent.reason;
      produced = sent.value;
      // Once EndTxn is sent, the replies may be read before the overlay reaches LevelDB.
      readGate.close();
      await producer.commit();
    } else {
      await work.flush.settle();
      readGate.close();
      produced = await (ctx.sharedProducer as IdempotentProducer).send(work.collector.drain(), work.maxBatchBytes);
      try {
        await ctx.commitOffsets(offsets);
      } catch (error) {
        // At-least-once: the group moved on; the next owner reprocesses from the last commit.
        if (classifyKafkaError(error) !== "rebalance") throw error;
        this.options.logger.warn({ err: error }, "offsets not committed: the group is rebalancing");
        lost = true;
      }
    }
    await this.#committedNow(overlay, offsets, produced, started, !lost);
  }

  /** Commits when there is uncommitted work and the commit interval has passed (or `force`); whether it did. */
  async maybeCommit(now: number, force: boolean): Promise<boolean> {
    const { ctx, work, positions, readGate } = this.options;
    if (!work.dirty) {
      // Only markers or aborted records were left to read: the store has caught up without a commit.
      if (readGate.catchingUp) readGate.open(positions.readable());
      // Forced (before a rebalance): a commit in flight ends first.
      if (force) await ctx.threadTransaction?.settled();
      return false;
    }
    if (!force && !work.commitSoon && !this.due(now)) return false;
    // Forced commits end before this returns; the others go on while the task processes.
    await this.commit({ inBackground: !force });
    return true;
  }

  /** A clean close commits what the task processed; a failure leaves it to the next owner. */
  async commitBeforeClose(): Promise<void> {
    try {
      if (this.options.work.dirty) await this.commit();
    } catch (error) {
      this.options.logger.warn({ err: error }, "final commit failed; the next owner resumes from the last commit");
    }
  }

  /** Drops the task's uncommitted work and rewinds its positions to the last commit. */
  async drop(): Promise<void> {
    // v2: a commit in flight still writes this task's sealed work; it ends first.
    await this.options.ctx.threadTransaction?.settled();
    await this.options.work.drop();
    this.options.positions.rewind();
  }

  /**
   * Exactly-once v2, for the thread's commit (holding the thread's lock): what this task adds
   * to the transaction. A running task gives the positions of all its input partitions, so
   * that every commit passes the group's generation check; one with uncommitted work also
   * its folded cache entries, changelog records and last outputs. That work is taken here,
   * and the overlay's writes set apart (sealed), so that the task may process its next
   * records while the commit ends; `failed` reports a commit that failed meanwhile.
   */
  async prepareCommit(failed: (error: unknown) => void): Promise<TaskCommit | undefined> {
    const { work, positions, readGate } = this.options;
    const overlay = work.overlay;
    const executor = work.executor;
    if (overlay === undefined || executor === undefined) return undefined;
    const started = Date.now();
    const offsets = this.#withMetadata(positions.positions());
    const noop = { closeReadGate: () => undefined, complete: () => Promise.resolve() };
    if (!work.dirty) return { records: [], offsets, ...noop };
    await executor.flushCaches();
    this.#addChangelogRecords(overlay);
    await work.flush.settle();
    const changed = positions.uncommitted(offsets);
    // What this commit makes readable: the records processed up to here, not those after.
    const readable = positions.readable();
    const sealed = overlay.seal();
    work.dirty = false;
    return {
      records: work.collector.drain(),
      offsets,
      closeReadGate: () => readGate.close(),
      complete: (produced) => this.#sealedCommitted(overlay, sealed, changed, readable, produced, started),
      failed,
    };
  }

  /** The thread's transaction committed: the sealed writes and the checkpoint reach the store. */
  async #sealedCommitted(
    overlay: TaskOverlay,
    sealed: SealedWrites,
    offsets: readonly TopicPartitionOffset[],
    readable: readonly TopicPartitionOffset[],
    produced: readonly ProducedOffsets[],
    started: number,
  ): Promise<void> {
    const { ctx, taskId, positions, readGate } = this.options;
    positions.committed(offsets);
    if (offsets.length > 0) ctx.metrics.progress.committed(taskId);
    await overlay.commitSealed(sealed, this.#checkpointOf(produced, offsets));
    readGate.open(readable);
    this.options.onCommitted();
    this.#lastCommit = Date.now();
    ctx.metrics.recordCommit(this.#lastCommit - started);
  }

  /** The checkpoint of a commit: changelogs as written, source topics that are changelogs as committed. */
  #checkpointOf(produced: readonly ProducedOffsets[], committed: readonly TopicPartitionOffset[]): Map<string, number> {
    const { ctx, subtopology } = this.options;
    const sub = ctx.metadata.subtopology(subtopology);
    return checkpointOf(produced, new Set(sub.changelogTopics.values()), committed, sub.sourceChangelogTopics);
  }

  /** The transaction committed (or the at-least-once offsets were): the state and its checkpoint follow. */
  async #committedNow(
    overlay: TaskOverlay,
    offsets: readonly TopicPartitionOffset[],
    produced: readonly ProducedOffsets[],
    started: number,
    progressed = true,
  ): Promise<void> {
    const { ctx, taskId, work, positions, readGate } = this.options;
    positions.committed(offsets);
    if (progressed && work.executor !== undefined) work.executor.processorMetadata.needsCommit = false;
    if (offsets.length > 0 && progressed) ctx.metrics.progress.committed(taskId);
    // The changelog records are in Kafka for good: the state and its checkpoint follow.
    await overlay.commit(this.#checkpointOf(produced, progressed ? offsets : []));
    readGate.open(positions.readable());
    work.dirty = false;
    work.commitSoon = false;
    this.options.onCommitted();
    this.#lastCommit = Date.now();
    ctx.metrics.recordCommit(this.#lastCommit - started);
  }

  /**
   * Each offset with the metadata Kafka Streams commits with it: the partition's partition
   * time and the task's processor metadata (topic-partition-metadata.ts).
   */
  #withMetadata(offsets: readonly TopicPartitionOffset[]): OffsetToCommit[] {
    const executor = this.options.work.executor;
    if (executor === undefined) return [...offsets];
    const metadata = executor.processorMetadata;
    return offsets.map((o) => ({
      ...o,
      metadata: encodeTopicPartitionMetadata(executor.partitionTime(o.topic), metadata),
    }));
  }

  /** The overlay's pending writes become this commit's changelog records. */
  #addChangelogRecords(overlay: TaskOverlay): void {
    const { work, partition } = this.options;
    const streamTime = Math.max(0, work.executor?.streamTime ?? 0) || Date.now();
    addChangelogRecords(this.#changelogs, overlay, partition, streamTime, (record) => work.collector.add(record));
  }
}
