// Counters the runtime keeps for /metrics and /metadata: plain numbers, updated in
// place on the processing path (no allocation per record), read as a snapshot.
import { ProcessorNodeCounters } from "../engine/node-counters.js";
import type { TaskId } from "../engine/task-id.js";
import { ProgressMonitor } from "./progress-monitor.js";

/** Kafka Streams' process-rate is an average over its sample windows (2 x 30 s by default): this one is over 30 s. */
export const NODE_RATE_WINDOW_MS = 30_000;
/** Readings closer together than this share their sample, so a scrape storm cannot grow the window. */
const NODE_RATE_SAMPLE_MS = 1_000;

/** One processor node of one task: Kafka Streams' stream-processor-node-metrics (task-id, processor-node-id). */
export interface ProcessorNodeMetrics {
  readonly processTotal: number;
  /** Records per second since the oldest reading of the last NODE_RATE_WINDOW_MS (or since the task first ran). */
  readonly processRate: number;
}

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
  /** Per task, per processor node (source, processor, sink): records processed and their rate. */
  processorNodes: Record<TaskId, Record<string, ProcessorNodeMetrics>>;
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
  /**
   * Per task; kept when the task closes, so that a task that comes back counts on, but
   * reported only while the task is open here (Kafka Streams drops a closed task's metrics).
   */
  readonly #nodeCounters = new Map<
    TaskId,
    { readonly counters: ProcessorNodeCounters; readonly since: number; open: boolean }
  >();
  /** Earlier readings of the node totals, oldest first, none older than the rate window. */
  readonly #nodeSamples: Array<{ readonly at: number; readonly totals: Map<TaskId, Record<string, number>> }> = [];
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

  /** The counters a task's nodes count into (TaskExecutorOptions.nodeCounters). */
  nodeCounters(task: TaskId, now = Date.now()): ProcessorNodeCounters {
    let entry = this.#nodeCounters.get(task);
    if (entry === undefined) {
      entry = { counters: new ProcessorNodeCounters(), since: now, open: true };
      this.#nodeCounters.set(task, entry);
    }
    entry.open = true;
    return entry.counters;
  }

  /** The task closed here (migrated, or to be reopened): its nodes leave the metrics until it opens again. */
  closeNodeCounters(task: TaskId): void {
    const entry = this.#nodeCounters.get(task);
    if (entry !== undefined) entry.open = false;
  }

  /** Every node's total and its rate: the rate against the oldest reading in the window (or zero at the task's start). */
  processorNodes(now = Date.now()): Record<TaskId, Record<string, ProcessorNodeMetrics>> {
    const samples = this.#nodeSamples;
    while (samples.length > 0 && (samples[0]?.at ?? now) < now - NODE_RATE_WINDOW_MS) samples.shift();
    const oldest = samples[0];
    const totals = new Map<TaskId, Record<string, number>>();
    const out: Record<TaskId, Record<string, ProcessorNodeMetrics>> = {};
    for (const [task, { counters, since, open }] of this.#nodeCounters) {
      if (!open) continue;
      const current = counters.totals();
      totals.set(task, current);
      const earlier = oldest?.totals.get(task);
      // No reading of this task in the window: it started since (or this is the first reading), so from its start.
      const from = earlier === undefined ? since : (oldest?.at ?? since);
      const seconds = (now - from) / 1000;
      const nodes: Record<string, ProcessorNodeMetrics> = {};
      for (const [node, processTotal] of Object.entries(current)) {
        const delta = processTotal - (earlier?.[node] ?? 0);
        nodes[node] = { processTotal, processRate: seconds > 0 ? Math.max(0, delta) / seconds : 0 };
      }
      out[task] = nodes;
    }
    const newest = samples[samples.length - 1];
    if (newest === undefined || now - newest.at >= NODE_RATE_SAMPLE_MS) samples.push({ at: now, totals });
    return out;
  }

  /** Readings held for the rates: at most one a second over the window, however often it is read. */
  get nodeRateReadings(): number {
    return this.#nodeSamples.length;
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
      processorNodes: this.processorNodes(),
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
