// Counters the runtime keeps for /metrics and /metadata: plain numbers, updated in
// place on the processing path (no allocation per record), read as a snapshot.
import type { TaskId } from "../engine/task-id.js";
import { ProgressMonitor } from "./progress-monitor.js";

export interface TaskRestoreProgress {
  /** Records restored so far in the current (or last) restoration. */
  restored: number;
  /**
   * Records restored plus the offsets still to read: an upper bound while restoring
   * (markers and compacted records take offsets), equal to `restored` once done.
   */
  total: number;
  recordsPerSecond: number;
  startedAt: number;
  done: boolean;
}

export interface LatencyStats {
  count: number;
  totalMs: number;
  maxMs: number;
  lastMs: number;
}

export interface StreamsMetricsSnapshot {
  recordsProcessed: number;
  recordsProcessedByTask: Record<TaskId, number>;
  commits: number;
  commitLatency: LatencyStats;
  transactionAborts: number;
  deadLetterRecords: number;
  /** Records dropped on purpose: negative extracted timestamps, records too late for their window, ... */
  droppedRecords: number;
  /** Output records their topic would refuse, dead-lettered under productionExceptionHandler "continue". */
  refusedRecords: number;
  /** Records of joined or command topics on a partition the Java partitioner would not pick for their key, per topic. */
  mispartitionedRecordsByTopic: Record<string, number>;
  recordsRestored: number;
  restoreByTask: Record<TaskId, TaskRestoreProgress>;
  standbyRecordsApplied: number;
  rebalances: number;
}

export class StreamsMetrics {
  recordsProcessed = 0;
  readonly recordsProcessedByTask = new Map<TaskId, number>();
  commits = 0;
  readonly commitLatency: LatencyStats = { count: 0, totalMs: 0, maxMs: 0, lastMs: 0 };
  transactionAborts = 0;
  deadLetterRecords = 0;
  droppedRecords = 0;
  refusedRecords = 0;
  readonly mispartitionedRecordsByTopic = new Map<string, number>();
  recordsRestored = 0;
  readonly restoreByTask = new Map<TaskId, TaskRestoreProgress>();
  standbyRecordsApplied = 0;
  rebalances = 0;
  /** Whether tasks get anywhere: repeated failures, crash and rebalance loops (/health, /ready). */
  readonly progress = new ProgressMonitor();

  /** Per task, once per batch (the total is counted per record, on the hot path, by the task). */
  addTaskRecords(task: TaskId, count: number): void {
    this.recordsProcessedByTask.set(task, (this.recordsProcessedByTask.get(task) ?? 0) + count);
  }

  addMispartitioned(topic: string, count: number): void {
    this.mispartitionedRecordsByTopic.set(topic, (this.mispartitionedRecordsByTopic.get(topic) ?? 0) + count);
  }

  recordCommit(latencyMs: number): void {
    this.commits += 1;
    const l = this.commitLatency;
    l.count += 1;
    l.totalMs += latencyMs;
    l.lastMs = latencyMs;
    if (latencyMs > l.maxMs) l.maxMs = latencyMs;
  }

  snapshot(): StreamsMetricsSnapshot {
    return {
      recordsProcessed: this.recordsProcessed,
      recordsProcessedByTask: Object.fromEntries(this.recordsProcessedByTask),
      commits: this.commits,
      commitLatency: { ...this.commitLatency },
      transactionAborts: this.transactionAborts,
      deadLetterRecords: this.deadLetterRecords,
      droppedRecords: this.droppedRecords,
      refusedRecords: this.refusedRecords,
      mispartitionedRecordsByTopic: Object.fromEntries(this.mispartitionedRecordsByTopic),
      recordsRestored: this.recordsRestored,
      restoreByTask: Object.fromEntries([...this.restoreByTask].map(([t, p]) => [t, { ...p }])),
      standbyRecordsApplied: this.standbyRecordsApplied,
      rebalances: this.rebalances,
    };
  }
}
