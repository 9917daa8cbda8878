// Which tasks exist on this instance, as Kafka Streams' TaskManager: it turns each
// assignment into created, recycled and closed active and standby tasks, routes
// fetched batches to their task, drives commits and punctuation, and brings tasks
// back after a fenced producer or a failed commit.
//
// Assignment handling has two halves. The synchronous half runs inside kafkajs'
// GROUP_JOIN, before the first fetch of the new generation: partitions of a task that
// is running here and stays are sought to the task's own position (kafkajs would
// otherwise restart them from the last committed offset, and a task's open
// transaction may be ahead of it); every other assigned partition is paused until its
// task is restored. The asynchronous half (serialized) closes revoked tasks (clean:
// commit, or abort if fenced; local state stays on disk), recycles state between the
// active and standby copies of a task on this instance, and initialises new tasks.
// Initialising and bringing tasks back (exactly-once v2: all of them at once) is
// task-revival.ts.
import type { ConsumedBatch, ReceivedAssignment } from "../kafka/group-consumer.js";
import type { TopicPartition, TopicPartitionOffset } from "../kafka/types.js";
import type { TaskStorage } from "../stores/task-storage.js";
import type { SubscriptionInfo } from "./assignment-codec.js";
import type { HostTasks } from "./assignor.js";
import { AssignmentError, TaskMigratedError } from "./errors.js";
import { readAssignment } from "./received-assignment.js";
import { RepartitionPurges } from "./repartition-purges.js";
import { StandbyTask } from "./standby-task.js";
import { StreamTask } from "./stream-task.js";
import type { TaskContext } from "./task-context.js";
import { TaskRevival } from "./task-revival.js";
import { parseTaskId, sortTaskIds } from "../engine/task-id.js";
import type { TaskId } from "../engine/task-id.js";
import { SerialQueue } from "./serial-queue.js";
import { readLocalOffsetSums, taskOffsetSums } from "./task-offset-sums.js";

export interface ConsumerControl {
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
  seek(position: TopicPartitionOffset): void;
}

export interface TaskManagerEvents {
  /** Tasks started or finished initialising: the instance may move between REBALANCING and RUNNING. */
  onTasksChanged(): void;
  /** Processing cannot go on (user code failed with the "fail" handler, the assignment failed...). */
  onFatal(error: Error): void;
}

export class TaskManager {
  readonly #active = new Map<TaskId, StreamTask>();
  readonly #standby = new Map<TaskId, StandbyTask>();
  readonly #diskOffsetSums = new Map<TaskId, number>();
  readonly #purges = new RepartitionPurges();
  readonly #queue = new SerialQueue();
  readonly #revival: TaskRevival;
  #hostMap = new Map<string, HostTasks>();
  #assignedStandby: TaskId[] = [];
  #assignedActive: TaskId[] = [];
  #generation: number | undefined;
  #memberId: string | undefined;
  #closed = false;

  constructor(
    private readonly ctx: TaskContext,
    private readonly consumer: ConsumerControl,
    private readonly events: TaskManagerEvents,
  ) {
    this.#revival = new TaskRevival(ctx, consumer, events, this.#active, this.#queue, () => this.#closed);
  }

  /** Reads the checkpoints of task directories left by earlier runs, so the first join reports them. */
  async loadLocalState(): Promise<void> {
    const known = new Set(this.ctx.metadata.tasks());
    for (const [taskId, sum] of await readLocalOffsetSums(this.ctx.location, known, this.ctx.logger)) {
      this.#diskOffsetSums.set(taskId, sum);
    }
  }

  get hostMap(): ReadonlyMap<string, HostTasks> {
    return this.#hostMap;
  }

  get generation(): number | undefined {
    return this.#generation;
  }

  activeTasks(): StreamTask[] {
    return [...this.#active.values()];
  }

  standbyTasks(): StandbyTask[] {
    return [...this.#standby.values()];
  }

  activeTask(id: TaskId): StreamTask | undefined {
    return this.#active.get(id);
  }

  standbyTask(id: TaskId): StandbyTask | undefined {
    return this.#standby.get(id);
  }

  /** Tasks this instance was last assigned, as the leader sent them. */
  assignedTasks(): { active: TaskId[]; standby: TaskId[] } {
    return { active: this.#assignedActive, standby: this.#assignedStandby };
  }

  /** Every assigned active task processes. */
  allRunning(): boolean {
    return this.#assignedActive.every((id) => this.#active.get(id)?.state === "running");
  }

  /** What this member tells the leader at every join. */
  subscriptionInfo(applicationServer: string | undefined): SubscriptionInfo {
    const sums = taskOffsetSums(this.#diskOffsetSums, this.#standby, this.#active);
    return { applicationServer, taskOffsetSums: sums };
  }

  /** Synchronous half of a new assignment (see the top of this file). */
  onAssigned(assignment: ReceivedAssignment): void {
    if (this.#closed) return;
    const { metadata, logger } = this.ctx;
    const lost = this.#lostMembership(assignment);
    this.#generation = assignment.generationId;
    this.#memberId = assignment.memberId;
    const assigned = readAssignment(assignment, metadata, logger);
    if (assigned instanceof AssignmentError) {
      this.events.onFatal(assigned);
      return;
    }
    const { active, standby } = assigned;
    if (assigned.hostMap !== undefined) this.#hostMap = assigned.hostMap;
    const retained: TopicPartitionOffset[] = [];
    const held: TopicPartition[] = [];
    for (const tp of assignment.partitions) {
      const task = this.#active.get(metadata.taskOf(tp) ?? "");
      const position =
        task?.state === "running" && !lost
          ? task.positions().find((p) => p.topic === tp.topic && p.partition === tp.partition)
          : undefined;
      if (position) retained.push(position);
      else held.push(tp);
    }
    for (const position of retained) this.consumer.seek(position);
    this.consumer.pause(held);
    this.#assignedActive = sortTaskIds(active);
    this.#assignedStandby = sortTaskIds(standby.filter((id) => !active.has(id)));
    logger.info(
      {
        generation: assignment.generationId,
        active: this.#assignedActive,
        standby: this.#assignedStandby,
        leader: assignment.isLeader,
      },
      "received assignment",
    );
    const activeNow = new Set(this.#assignedActive);
    const standbyNow = new Set(this.#assignedStandby);
    void this.#queue
      .run(() => this.#apply(activeNow, standbyNow, lost))
      .catch((error: unknown) => {
        this.events.onFatal(error instanceof Error ? error : new Error(String(error)));
      });
    this.events.onTasksChanged();
  }

  /**
   * v2: whether this member may have missed a generation (it comes back under a new member
   * id, or the generation skipped one): its running tasks' uncommitted work is then void.
   */
  #lostMembership(assignment: ReceivedAssignment): boolean {
    const thread = this.ctx.threadTransaction;
    if (thread === undefined || this.#memberId === undefined) return false;
    const previous = this.#generation;
    const lost =
      assignment.memberId !== this.#memberId ||
      (previous !== undefined && assignment.generationId !== undefined && assignment.generationId !== previous + 1);
    if (lost) {
      thread.doom(new TaskMigratedError(`the member rejoined the group (generation ${assignment.generationId})`));
      this.ctx.logger.warn(
        { generation: assignment.generationId, previousGeneration: previous },
        "this member was out of the group; its tasks resume from their committed state",
      );
    }
    return lost;
  }

  async #apply(active: Set<TaskId>, standby: Set<TaskId>, lost: boolean): Promise<void> {
    if (this.#closed) return;
    const { ctx } = this;
    const recycled = new Map<TaskId, TaskStorage>();
    const thread = ctx.threadTransaction;
    // v2: a lost transaction (the member was out of the group, a task failed) first.
    let aborted = false;
    if (thread !== undefined && (lost || thread.doomed !== undefined)) {
      await this.#revival.abortAll();
      aborted = true;
    }
    // Revoked active tasks: commit (a fenced one aborts) and close; the state stays on disk.
    await Promise.all(
      [...this.#active]
        .filter(([id]) => !active.has(id))
        .map(async ([id, task]) => {
          this.#revival.forget(id);
          const storage = await task.close({ clean: true, keepStorage: standby.has(id) });
          this.#active.delete(id);
          ctx.metrics.progress.forget(id);
          if (task.lastOffsetSum !== undefined) this.#diskOffsetSums.set(id, task.lastOffsetSum);
          if (storage) recycled.set(id, storage);
          ctx.logger.info({ taskId: id }, "active task revoked");
        }),
    );
    await Promise.all(
      [...this.#standby]
        .filter(([id]) => !standby.has(id))
        .map(async ([id, task]) => {
          const sum = task.offsetSum();
          const storage = await task.close(active.has(id));
          this.#standby.delete(id);
          if (sum !== undefined) this.#diskOffsetSums.set(id, sum);
          if (storage) recycled.set(id, storage);
        }),
    );
    for (const id of standby) {
      if (this.#standby.has(id)) continue;
      const { metadata, topology } = ctx;
      const task = new StandbyTask(id, {
        changelogs: metadata.standbyChangelogPartitionsOf(id),
        timestampedStores: metadata.timestampedStoresOf(id),
        persistent: topology.storesOf(parseTaskId(id).subtopology).some((s) => s.persistent),
        location: ctx.location,
        reader: ctx.reader,
        changelogReader: ctx.changelogReader,
        logger: ctx.logger,
      });
      try {
        await task.open(recycled.get(id));
        recycled.delete(id);
        this.#standby.set(id, task);
      } catch (error) {
        ctx.logger.warn(
          { err: error, taskId: id },
          "cannot open a standby task; it is skipped until the next rebalance",
        );
      }
    }
    // v2: a revoked task's final commit failed (its work cannot be committed any longer):
    // every task's uncommitted work went with the transaction.
    if (thread !== undefined && thread.doomed !== undefined) {
      await this.#revival.abortAll();
      aborted = true;
    }
    if (aborted) this.#revival.restartSuspended();
    for (const id of active) {
      if (this.#active.has(id)) continue;
      const task = new StreamTask(ctx, id, recycled.get(id), (t, problem) => this.#revival.onProblem(t, problem));
      recycled.delete(id);
      this.#active.set(id, task);
      this.#revival.start(task);
    }
    // Storage handed over for a copy that was not created after all.
    for (const storage of recycled.values()) await storage.close().catch(() => undefined);
    this.events.onTasksChanged();
  }

  /** A heartbeat succeeded: tasks whose producer was fenced are still ours; bring them back. */
  onHeartbeat(): void {
    this.#revival.onHeartbeat();
  }

  /** Routes a fetched batch to its task; batches of tasks that are not running are left unprocessed. */
  async process(batch: ConsumedBatch): Promise<void> {
    const id = this.ctx.metadata.taskOf(batch);
    const task = id === undefined ? undefined : this.#active.get(id);
    if (task) await task.process(batch);
  }

  /** kafkajs moved past a fetch of an input partition that held nothing to process. */
  skipped(partition: TopicPartition, firstOffset: number, lastOffset: number): void {
    const id = this.ctx.metadata.taskOf(partition);
    if (id !== undefined) this.#active.get(id)?.skipped(partition, firstOffset, lastOffset);
  }

  async commitAll(force: boolean): Promise<void> {
    const now = Date.now();
    await Promise.all([...this.#active.values()].map((task) => task.maybeCommit(now, force)));
  }

  /**
   * What may be deleted from repartition topics: records before the offsets the running
   * tasks committed (Kafka Streams purges them the same way, every 30 s by default).
   */
  purgeableRepartitionOffsets(): TopicPartitionOffset[] {
    return this.#purges.purgeable(this.#active.values(), this.ctx.metadata);
  }

  /** Records that the repartition records before these offsets are gone. */
  markPurged(offsets: readonly TopicPartitionOffset[]): void {
    this.#purges.markPurged(offsets);
  }

  async punctuateAll(now: number): Promise<void> {
    await Promise.all([...this.#active.values()].map((task) => task.punctuate(now)));
  }

  /** Closes every task: clean commits them (shutdown), dirty drops uncommitted work (fatal error). */
  async close(clean: boolean): Promise<void> {
    await this.#queue.run(async () => {
      this.#closed = true;
      this.#revival.stopInitializing();
      await Promise.all(
        [...this.#active.values()].map((task) =>
          task.close({ clean }).catch((error: unknown) => {
            this.ctx.logger.warn({ err: error, taskId: task.id }, "closing a task failed");
          }),
        ),
      );
      this.#active.clear();
      await Promise.all([...this.#standby.values()].map((task) => task.close(false).catch(() => undefined)));
      this.#standby.clear();
    });
  }
}
