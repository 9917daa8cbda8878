// How the task manager's active tasks (re)start: each task's initialisation, after which
// its partitions are sought to its positions and resumed, and bringing tasks back after a
// fenced producer or a failed commit [TaskManager.handleCorruption, handleTaskMigrated].
//
// Exactly-once v2: the stream thread's one transaction holds every task's uncommitted work,
// so a task that loses its work (fenced, a failed commit) takes every task's with it: all
// are suspended, the transaction aborted, and all re-initialised (Kafka Streams does the
// same). So are they when the member comes back under a new member id or after a generation
// it missed: another member may have owned its tasks meanwhile, and no transactional id per
// task fences this one any longer.
import type { TaskId } from "../engine/task-id.js";
import type { SerialQueue } from "./serial-queue.js";
import type { StreamTask } from "./stream-task.js";
import type { TaskContext } from "./task-context.js";
import type { ConsumerControl, TaskManagerEvents } from "./task-manager.js";
import type { TaskProblem } from "./task-problem.js";

export class TaskRevival {
  readonly #initializing = new Map<TaskId, AbortController>();
  readonly #awaitingHeartbeat = new Set<TaskId>();
  /** v2: every task is being brought back after the thread's transaction was lost. */
  #revivingAll = false;

  constructor(
    private readonly ctx: TaskContext,
    private readonly consumer: ConsumerControl,
    private readonly events: TaskManagerEvents,
    /** The task manager's active tasks (this class never adds or removes one). */
    private readonly active: ReadonlyMap<TaskId, StreamTask>,
    /** The task manager's queue: revivals run one at a time with assignments. */
    private readonly queue: SerialQueue,
    private readonly closed: () => boolean,
  ) {}

  /** A revoked task: its initialisation stops, and it is no longer brought back. */
  forget(id: TaskId): void {
    this.#initializing.get(id)?.abort();
    this.#awaitingHeartbeat.delete(id);
  }

  /** The instance is closing: every initialisation stops. */
  stopInitializing(): void {
    for (const controller of this.#initializing.values()) controller.abort();
  }

  /** After the thread's transaction was aborted: every suspended task initialises again. */
  restartSuspended(): void {
    for (const task of this.active.values()) {
      this.#awaitingHeartbeat.delete(task.id);
      if (task.state === "suspended") this.start(task);
    }
  }

  start(task: StreamTask): void {
    const controller = new AbortController();
    this.#initializing.set(task.id, controller);
    this.consumer.pause(task.partitions);
    task
      .initialize(controller.signal)
      .then(() => {
        if (this.active.get(task.id) !== task || task.state !== "running" || controller.signal.aborted) return;
        for (const position of task.positions()) this.consumer.seek(position);
        this.consumer.resume(task.partitions);
      })
      .catch((error: unknown) => {
        // Revoked, or the instance is closing: nothing failed.
        if (controller.signal.aborted || this.closed() || this.ctx.signal.aborted) return;
        this.ctx.logger.error({ err: error, taskId: task.id }, "task initialisation failed");
        this.events.onFatal(error instanceof Error ? error : new Error(String(error)));
      })
      .finally(() => {
        if (this.#initializing.get(task.id) === controller) this.#initializing.delete(task.id);
        this.events.onTasksChanged();
      });
  }

  onProblem(task: StreamTask, problem: TaskProblem): void {
    this.consumer.pause(task.partitions);
    this.events.onTasksChanged();
    if (problem.kind === "failed") {
      this.events.onFatal(problem.error);
      return;
    }
    if (this.ctx.threadTransaction !== undefined) {
      this.#reviveAll(problem.kind);
      return;
    }
    if (problem.kind === "migrated") {
      // Another instance may own the task now. Bring it back only once a heartbeat
      // confirms this member still owns its partitions in the current generation;
      // if not, the next assignment revokes it and nothing is lost.
      this.#awaitingHeartbeat.add(task.id);
      return;
    }
    void this.queue.run(() => this.#revive(task));
  }

  /**
   * v2: one task lost its work, so did every task (one transaction held it all). Every task
   * is suspended and the transaction aborted; then all initialise again, at once for a
   * corrupted transaction, after a heartbeat confirms the membership for a migrated one.
   */
  #reviveAll(kind: "migrated" | "corrupted"): void {
    for (const task of this.active.values()) this.consumer.pause(task.partitions);
    if (this.#revivingAll) return;
    this.#revivingAll = true;
    void this.queue
      .run(async () => {
        if (this.closed()) return;
        await this.abortAll();
        for (const task of this.active.values()) {
          if (kind === "migrated") this.#awaitingHeartbeat.add(task.id);
          else this.start(task);
        }
      })
      .catch((error: unknown) => this.events.onFatal(error instanceof Error ? error : new Error(String(error))))
      .finally(() => {
        this.#revivingAll = false;
        this.events.onTasksChanged();
      });
  }

  /** v2: stops every task's initialisation, drops every task's uncommitted work, aborts the transaction. */
  async abortAll(): Promise<void> {
    const thread = this.ctx.threadTransaction;
    if (thread === undefined) return;
    for (const controller of this.#initializing.values()) controller.abort();
    for (const task of this.active.values()) this.consumer.pause(task.partitions);
    await Promise.all([...this.active.values()].map((task) => task.suspend()));
    await thread.locked(() => thread.reset());
    this.ctx.metrics.transactionAborts += 1;
  }

  async #revive(task: StreamTask): Promise<void> {
    if (this.closed() || this.active.get(task.id) !== task) return;
    await task.suspend();
    this.start(task);
  }

  /** A heartbeat succeeded: tasks whose producer was fenced are still ours; bring them back. */
  onHeartbeat(): void {
    if (this.#awaitingHeartbeat.size === 0) return;
    const ids = [...this.#awaitingHeartbeat];
    this.#awaitingHeartbeat.clear();
    for (const id of ids) {
      const task = this.active.get(id);
      if (task) void this.queue.run(() => this.#revive(task));
    }
  }
}
