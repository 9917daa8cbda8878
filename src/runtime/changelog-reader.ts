// Brings task state up to date from changelog topics, as Kafka Streams'
// StoreChangelogReader: active tasks restore from their checkpoint to the changelog
// end captured when the task was initialised (after its producer fenced any zombie,
// so that end is final); standby tasks follow their changelogs for as long as they
// live. Both read read_committed, so aborted writes of a crashed owner never reach
// local state. Every applied batch moves the checkpoint in the same LevelDB batch as
// the data, so an interrupted restore resumes where it stopped. Records go from the
// fetch response to the storage's write batch as they are decoded: a restore keeps
// response bytes alive between fetch and write, never an object per record.
import type { Logger } from "pino";
import { retryWithBackoff, sleep } from "../kafka/backoff.js";
import { isOffsetOutOfRange, offsetOutOfRangePartition } from "../kafka/errors.js";
import type { PartitionRead, PartitionReader } from "../kafka/partition-reader.js";
import type { ConsumedRecord, TopicPartition } from "../kafka/types.js";
import { topicPartitionKey } from "../kafka/types.js";
import { changelogPartition } from "../stores/checkpoint.js";
import type { ChangelogFormat } from "../stores/changelog-format.js";
import type { ChangelogRecord, TaskStorage } from "../stores/task-storage.js";
import type { StreamsMetrics } from "./metrics.js";
import type { TaskId } from "../engine/task-id.js";

/** Kafka Streams' StateRestoreListener, with the task named. */
export interface StateRestoreListener {
  onRestoreStart?(event: {
    taskId: TaskId;
    store: string;
    topic: string;
    partition: number;
    startOffset: number;
    endOffset: number;
  }): void;
  onBatchRestored?(event: {
    taskId: TaskId;
    store: string;
    topic: string;
    partition: number;
    batchEndOffset: number;
    numRestored: number;
  }): void;
  onRestoreEnd?(event: {
    taskId: TaskId;
    store: string;
    topic: string;
    partition: number;
    totalRestored: number;
  }): void;
}

export interface ChangelogPosition extends TopicPartition {
  store: string;
  /** How the store's bytes travel on the changelog; records are restored as they are when absent. */
  format?: ChangelogFormat;
  /** Next offset to read. */
  offset: number;
}

export interface RestoreRequest {
  taskId: TaskId;
  storage: TaskStorage;
  /** Where to start (the checkpoint, or the log start) and where to stop (the end captured at init). */
  partitions: ReadonlyArray<ChangelogPosition & { endOffset: number }>;
  signal?: AbortSignal;
  /** Give up on an unreachable broker after this long (the task's remaining taskTimeoutMs). */
  giveUpAfterMs?: number;
}

export interface RestoreResult {
  /** Records applied (data records; markers and aborted records excluded). */
  restored: number;
  /** Where each changelog partition stands now. */
  positions: Map<string, number>;
  aborted: boolean;
}

export class ChangelogTruncatedError extends Error {
  constructor(readonly partition: TopicPartition) {
    super(`changelog ${partition.topic}-${partition.partition} lost records the task had not restored yet`);
    this.name = "ChangelogTruncatedError";
  }
}

export interface ChangelogReaderOptions {
  logger: Logger;
  metrics: StreamsMetrics;
  listener?: StateRestoreListener;
  /** Bytes per partition and restore fetch (a fetch asks for at most four times that). */
  restoreMaxBytes?: number;
  /** How long a standby read may wait for new changelog data. */
  standbyMaxWaitMs?: number;
  /** A standby's position fell outside its changelog: its state must be wiped and copied again. */
  onStandbyCorrupted?(taskId: TaskId): void;
  progressIntervalMs?: number;
}

interface Standby {
  taskId: TaskId;
  storage: TaskStorage;
  positions: Map<string, ChangelogPosition>;
  removed: boolean;
}

/**
 * Consumed records already have the shape of changelog records; keyless ones (never
 * valid in a changelog) are dropped, and a store whose bytes differ from its changelog's
 * (timestamped stores) gets them converted back. Lazy, as the records it reads: the
 * storage writes each as it comes, and `counted.records` says how many went through.
 */
function* changelogRecords(
  records: Iterable<ConsumedRecord>,
  format: ChangelogFormat | undefined,
  counted: { records: number },
): Generator<ChangelogRecord> {
  const convert = format !== undefined && !format.identity;
  for (const record of records) {
    if (record.key === null) continue;
    counted.records += 1;
    yield convert ? format.fromChangelog(record as ChangelogRecord) : (record as ChangelogRecord);
  }
}

export class ChangelogReader {
  private readonly standbys = new Map<TaskId, Standby>();
  private standbyLoop: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  private wake: (() => void) | undefined;
  private cycle: Promise<void> = Promise.resolve();
  private readonly maxBytes: number;

  constructor(
    private readonly reader: PartitionReader,
    private readonly options: ChangelogReaderOptions,
  ) {
    // 1 MiB per partition and fetch, as Kafka Streams' restore consumer
    // (max.partition.fetch.bytes). Records are decoded as they are written
    // (PartitionReader.readLazily), so a fetch costs its bytes while it waits, not an
    // object per record: with records decoded up front, the batch being written and the
    // one prefetched survived scavenges, and the garbage collector cost more than the
    // restore itself (the heap grew past 400 MiB restoring 1 M records into 6 tasks).
    this.maxBytes = options.restoreMaxBytes ?? 1024 * 1024;
  }

  /** Restores an active task's stores from their positions to their end offsets. */
  async restore(request: RestoreRequest): Promise<RestoreResult> {
    const { taskId, storage, signal } = request;
    const { logger, metrics, listener } = this.options;
    const state = new Map<string, ChangelogPosition & { endOffset: number; position: number; restored: number }>(
      request.partitions.map((p) => [topicPartitionKey(p), { ...p, position: p.offset, restored: 0 }]),
    );
    const total = request.partitions.reduce((sum, p) => sum + Math.max(0, p.endOffset - p.offset), 0);
    const startedAt = Date.now();
    const progress = { restored: 0, total, recordsPerSecond: 0, startedAt, done: false };
    metrics.restoreByTask.set(taskId, progress);
    for (const p of state.values()) {
      listener?.onRestoreStart?.({
        taskId,
        store: p.store,
        topic: p.topic,
        partition: p.partition,
        startOffset: p.offset,
        endOffset: p.endOffset,
      });
    }
    if (total > 0) logger.info({ taskId, records: total, partitions: [...state.keys()] }, "restoring task state");

    const pending = () => [...state.values()].filter((p) => p.position < p.endOffset);
    const read = (positions: ChangelogPosition[]) =>
      retryWithBackoff(
        () =>
          this.reader.readLazily(
            positions.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.offset })),
            { maxWaitMs: 100, maxBytes: this.maxBytes * 4, maxBytesPerPartition: this.maxBytes },
          ),
        {
          what: `restoring task ${taskId}`,
          logger,
          signal,
          ...(request.giveUpAfterMs === undefined ? {} : { giveUpAfterMs: request.giveUpAfterMs }),
        },
      ).catch((error: unknown) => {
        if (isOffsetOutOfRange(error)) {
          throw new ChangelogTruncatedError(
            offsetOutOfRangePartition(error) ?? positions[0] ?? { topic: "?", partition: -1 },
          );
        }
        throw error;
      });
    let lastLog = startedAt;
    let inflight: Promise<Array<PartitionRead<Iterable<ConsumedRecord>>>> | undefined;
    let aborted = false;
    while (pending().length > 0) {
      if (signal?.aborted) {
        aborted = true;
        break;
      }
      const reads = await (inflight ?? read(pending().map((p) => ({ ...p, offset: p.position }))));
      inflight = undefined;
      // Prefetch: the next fetch travels while this batch is written to LevelDB.
      const next = [...state.values()]
        .map((p) => {
          const r = reads.find((x) => x.topic === p.topic && x.partition === p.partition);
          return { ...p, offset: r ? r.nextOffset : p.position };
        })
        .filter((p) => p.offset < p.endOffset);
      if (next.length > 0 && !signal?.aborted) inflight = read(next);
      let applied = 0;
      await Promise.all(
        reads.map(async (r) => {
          const p = state.get(topicPartitionKey(r));
          if (!p || r.nextOffset <= p.position) return;
          const counted = { records: 0 };
          await storage.restore(
            p.store,
            changelogRecords(r.records, p.format, counted),
            changelogPartition(p.topic, p.partition),
            r.nextOffset,
          );
          p.position = r.nextOffset;
          p.restored += counted.records;
          applied += counted.records;
          listener?.onBatchRestored?.({
            taskId,
            store: p.store,
            topic: p.topic,
            partition: p.partition,
            batchEndOffset: r.nextOffset,
            numRestored: counted.records,
          });
        }),
      );
      progress.restored += applied;
      // Offsets are not records: transaction markers and compacted-away records take
      // offsets too. What is left is counted in offsets (an upper bound), what is done in
      // records, so the total shrinks towards the records restored and meets it at the end.
      progress.total = progress.restored + pending().reduce((sum, p) => sum + (p.endOffset - p.position), 0);
      metrics.recordsRestored += applied;
      const elapsed = Math.max(1, Date.now() - startedAt);
      progress.recordsPerSecond = Math.round((progress.restored * 1000) / elapsed);
      const now = Date.now();
      if (now - lastLog >= (this.options.progressIntervalMs ?? 2_000) && pending().length > 0) {
        lastLog = now;
        const remaining = pending().reduce((sum, p) => sum + (p.endOffset - p.position), 0);
        logger.info(
          {
            taskId,
            restored: progress.restored,
            total: progress.total,
            recordsPerSecond: progress.recordsPerSecond,
            etaMs:
              progress.recordsPerSecond > 0 ? Math.round((remaining * 1000) / progress.recordsPerSecond) : undefined,
          },
          "restore progress",
        );
      }
    }
    // Let a prefetch that is no longer needed settle, so no request outlives the restore.
    await inflight?.catch(() => undefined);
    progress.done = !aborted;
    if (!aborted) progress.total = progress.restored;
    for (const p of state.values()) {
      listener?.onRestoreEnd?.({
        taskId,
        store: p.store,
        topic: p.topic,
        partition: p.partition,
        totalRestored: p.restored,
      });
    }
    if (total > 0 || progress.restored > 0) {
      logger.info(
        {
          taskId,
          restored: progress.restored,
          ms: Date.now() - startedAt,
          recordsPerSecond: progress.recordsPerSecond,
          aborted,
        },
        aborted ? "restore interrupted" : "restored task state",
      );
    }
    return {
      restored: progress.restored,
      positions: new Map([...state].map(([key, p]) => [key, p.position])),
      aborted,
    };
  }

  /** Starts following a standby task's changelogs from the given positions. */
  addStandby(taskId: TaskId, storage: TaskStorage, positions: readonly ChangelogPosition[]): void {
    this.standbys.set(taskId, {
      taskId,
      storage,
      positions: new Map(positions.map((p) => [topicPartitionKey(p), { ...p }])),
      removed: false,
    });
    this.standbyLoop ??= this.followStandbys();
    this.wake?.();
  }

  /**
   * Stops following a standby; resolves once no write to its storage is in flight, with
   * where each changelog partition stands (so an active task taking over restores only the rest).
   */
  async removeStandby(taskId: TaskId): Promise<Map<string, number> | undefined> {
    const standby = this.standbys.get(taskId);
    if (!standby) return undefined;
    standby.removed = true;
    this.standbys.delete(taskId);
    await this.cycle;
    return new Map([...standby.positions].map(([key, p]) => [key, p.offset]));
  }

  standbyTasks(): TaskId[] {
    return [...this.standbys.keys()];
  }

  /** Positions of a standby's changelog partitions, for lag and the assignor's offset sums. */
  standbyPositions(taskId: TaskId): Map<string, number> | undefined {
    const standby = this.standbys.get(taskId);
    return standby ? new Map([...standby.positions].map(([key, p]) => [key, p.offset])) : undefined;
  }

  private async followStandbys(): Promise<void> {
    const { logger, metrics } = this.options;
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      const standbys = [...this.standbys.values()];
      if (standbys.length === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          signal.addEventListener("abort", () => resolve(), { once: true });
        });
        this.wake = undefined;
        continue;
      }
      let done!: () => void;
      this.cycle = new Promise<void>((resolve) => (done = resolve));
      try {
        const positions = standbys.flatMap((s) => [...s.positions.values()]);
        const reads = await this.reader.readLazily(positions, {
          maxWaitMs: this.options.standbyMaxWaitMs ?? 250,
          maxBytes: this.maxBytes * 4,
          maxBytesPerPartition: this.maxBytes,
        });
        for (const r of reads) {
          const standby = standbys.find((s) => !s.removed && s.positions.has(topicPartitionKey(r)));
          const position = standby?.positions.get(topicPartitionKey(r));
          if (!standby || !position || r.nextOffset <= position.offset) continue;
          const counted = { records: 0 };
          await standby.storage.restore(
            position.store,
            changelogRecords(r.records, position.format, counted),
            changelogPartition(r.topic, r.partition),
            r.nextOffset,
          );
          position.offset = r.nextOffset;
          metrics.standbyRecordsApplied += counted.records;
        }
      } catch (error) {
        if (isOffsetOutOfRange(error)) {
          // A changelog lost records a standby had not read yet (recreated, or records
          // deleted): that copy can never be completed. Find which and hand them back.
          await this.dropTruncatedStandbys(standbys).catch((e: unknown) =>
            logger.warn({ err: e }, "cannot check standby positions"),
          );
        } else {
          logger.warn({ err: error }, "standby update failed, retrying");
          await sleep(500, signal);
        }
      } finally {
        done();
      }
    }
  }

  private async dropTruncatedStandbys(standbys: Standby[]): Promise<void> {
    const positions = standbys.filter((s) => !s.removed).flatMap((s) => [...s.positions.values()]);
    const begins = await this.reader.beginningOffsets(positions);
    const ends = await this.reader.endOffsets(positions);
    for (const standby of standbys) {
      if (standby.removed) continue;
      const truncated = [...standby.positions].some(
        ([key, p]) => p.offset < (begins.get(key) ?? 0) || p.offset > (ends.get(key) ?? Number.MAX_SAFE_INTEGER),
      );
      if (!truncated) continue;
      this.options.logger.warn(
        { taskId: standby.taskId },
        "standby state is outside its changelog; it will be copied again",
      );
      standby.removed = true;
      this.standbys.delete(standby.taskId);
      this.options.onStandbyCorrupted?.(standby.taskId);
    }
  }

  async close(): Promise<void> {
    this.stopping.abort();
    this.wake?.();
    await this.standbyLoop;
    this.standbys.clear();
  }
}
