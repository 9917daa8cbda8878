// Whether the instance makes progress, for /health, /ready and /metrics. An instance can be
// RUNNING and still get nowhere: a task that fails at the same committed offsets every time
// it is brought back, a consumer that crashes and restarts on the same fetch, a group that
// rebalances again and again. Kafka Streams reports none of these in its state; here each
// is a stall with the task and the reason, until a task commits past it.
//
// Progress is a commit that moves a task's offsets: processing that is rolled back does not
// count. Repeated task failures are judged per task; consumer crashes and rebalances are the
// instance's, so they name every active task and clear when any task commits (crashes also
// when the consumer heartbeats again, rebalances when they leave the window).
import type { TaskId } from "../engine/task-id.js";

export type StallKind = "repeated-failure" | "consumer-crash-loop" | "rebalance-loop";

export interface StalledTask {
  /** The task that cannot progress; null when the instance holds no active task to name. */
  readonly taskId: TaskId | null;
  readonly kind: StallKind;
  readonly reason: string;
  /** When the first failure of the run happened (ms since the epoch). */
  readonly since: number;
}

export interface ProgressMonitorOptions {
  /** Failures at the same committed offsets, in a row, that make a task stalled. */
  readonly repeatedFailures: number;
  /** Consumer crashes in a row, with no commit between them, that make the instance stalled. */
  readonly consumerCrashes: number;
  /** Rebalances within `rebalanceWindowMs`, with no commit since the first, that make a rebalance loop. */
  readonly rebalances: number;
  readonly rebalanceWindowMs: number;
}

export const DEFAULT_PROGRESS_OPTIONS: ProgressMonitorOptions = {
  repeatedFailures: 3,
  consumerCrashes: 2,
  rebalances: 5,
  rebalanceWindowMs: 5 * 60_000,
};

interface Failures {
  at: string;
  count: number;
  reason: string;
  since: number;
}

export class ProgressMonitor {
  readonly #tasks = new Map<TaskId, Failures>();
  #crashes: Omit<Failures, "at"> | undefined;
  #rebalances: number[] = [];

  constructor(
    private readonly options: ProgressMonitorOptions = DEFAULT_PROGRESS_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The task lost its uncommitted work and will be brought back from `at` (its committed offsets). */
  taskFailed(taskId: TaskId, at: string, reason: string): void {
    const last = this.#tasks.get(taskId);
    if (last !== undefined && last.at === at) {
      last.count += 1;
      last.reason = reason;
    } else {
      this.#tasks.set(taskId, { at, count: 1, reason, since: this.now() });
    }
  }

  /** The task committed offsets past what it had committed: it progresses, and so does the instance. */
  committed(taskId: TaskId): void {
    this.#tasks.delete(taskId);
    this.#crashes = undefined;
    this.#rebalances = [];
  }

  /** The task is gone from this instance (revoked, closed): its failures are no longer ours to report. */
  forget(taskId: TaskId): void {
    this.#tasks.delete(taskId);
  }

  /**
   * The consumer is in the group again (a heartbeat succeeded): the crashes were an outage it
   * came through, not a loop. An idle instance commits nothing after a broker restart, and must
   * not stay DEGRADED for it.
   */
  consumerAlive(): void {
    this.#crashes = undefined;
  }

  consumerCrashed(reason: string): void {
    const last = this.#crashes;
    this.#crashes = { count: (last?.count ?? 0) + 1, reason, since: last?.since ?? this.now() };
  }

  rebalanced(): void {
    this.#rebalances.push(this.now());
    this.#prune();
  }

  /** What cannot progress now; `activeTasks` are named for the instance's own stalls. */
  stalled(activeTasks: readonly TaskId[]): StalledTask[] {
    const out: StalledTask[] = [];
    for (const [taskId, f] of this.#tasks) {
      if (f.count < this.options.repeatedFailures) continue;
      out.push({
        taskId,
        kind: "repeated-failure",
        reason: `failed ${f.count} times in a row at ${f.at} without committing: ${f.reason}`,
        since: f.since,
      });
    }
    const instance = (kind: StallKind, reason: string, since: number) => {
      const named = activeTasks.length === 0 ? [null] : activeTasks;
      for (const taskId of named) out.push({ taskId, kind, reason, since });
    };
    const crashes = this.#crashes;
    if (crashes !== undefined && crashes.count >= this.options.consumerCrashes) {
      instance(
        "consumer-crash-loop",
        `the consumer crashed ${crashes.count} times in a row with no task committing: ${crashes.reason}`,
        crashes.since,
      );
    }
    this.#prune();
    if (this.#rebalances.length >= this.options.rebalances) {
      instance(
        "rebalance-loop",
        `${this.#rebalances.length} rebalances in the last ${Math.round(this.options.rebalanceWindowMs / 1000)} s ` +
          "with no task committing",
        this.#rebalances[0]!,
      );
    }
    return out;
  }

  #prune(): void {
    const since = this.now() - this.options.rebalanceWindowMs;
    while (this.#rebalances.length > 0 && this.#rebalances[0]! < since) this.#rebalances.shift();
  }
}
