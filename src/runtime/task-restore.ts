// An active task's restore, as Kafka Streams' StoreChangelogReader restores an active
// task: from the checkpoint to the changelog end captured when the task was initialised
// (after its producer fenced any zombie, so that end is final), read_committed, each
// applied batch moving the checkpoint with the data so an interrupted restore resumes where
// it stopped. The next fetch travels while a batch is written to LevelDB.
import type { Logger } from "pino";
import { retryWithBackoff } from "../kafka/backoff.js";
import { isOffsetOutOfRange, offsetOutOfRangePartition } from "../kafka/errors.js";
import type { PartitionRead, PartitionReader } from "../kafka/partition-reader.js";
import type { ConsumedRecord, TopicPartition } from "../kafka/types.js";
import { topicPartitionKey } from "../kafka/types.js";
import type { TaskStorage } from "../stores/task-storage.js";
import type { TaskId } from "../engine/task-id.js";
import { applyChangelogRead, readUpTo } from "./changelog-records.js";
import type { ChangelogPosition, RestorePartition } from "./changelog-records.js";
import type { StreamsMetrics } from "./metrics.js";
import type { StateRestoreListener } from "./state-restore-listener.js";

export interface RestoreRequest {
  taskId: TaskId;
  storage: TaskStorage;
  /** Where to start (the checkpoint, or the log start) and where to stop (the end captured at init). */
  partitions: ReadonlyArray<RestorePartition>;
  signal?: AbortSignal;
  /** Give up on an unreachable broker after this long (the task's remaining taskTimeoutMs). */
  giveUpAfterMs?: number;
}

export interface RestoreResult {
  /** Records applied (data records; markers and aborted records excluded). */
  restored: number;
  /**
   * Per store, the largest timestamp of the records restored into it (absent when none were):
   * the stream time Kafka Streams' versioned (and segmented) stores advance while restoring.
   */
  restoredStreamTimes: Map<string, number>;
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

export interface TaskRestoreOptions {
  logger: Logger;
  metrics: StreamsMetrics;
  listener?: StateRestoreListener | undefined;
  /** Bytes per partition and fetch (a fetch asks for at most four times that). */
  maxBytes: number;
  progressIntervalMs?: number | undefined;
}

/** Restores an active task's stores from their positions to their end offsets. */
export async function restoreTask(
  reader: PartitionReader,
  options: TaskRestoreOptions,
  request: RestoreRequest,
): Promise<RestoreResult> {
  const { taskId, storage, signal } = request;
  const { logger, metrics, listener } = options;
  const state = new Map<string, RestorePartition & { position: number; restored: number }>(
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
        reader.readLazily(
          positions.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.offset })),
          { maxWaitMs: 100, maxBytes: options.maxBytes * 4, maxBytesPerPartition: options.maxBytes },
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
  const streamTimes = new Map<string, number>();
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
      reads.map(async (read) => {
        const p = state.get(topicPartitionKey(read));
        if (!p || read.nextOffset <= p.position) return;
        const r = p.stopAtEnd === true ? readUpTo(read, p.endOffset) : read;
        const { records, maxTimestamp } = await applyChangelogRead(storage, p, r);
        if (maxTimestamp > (streamTimes.get(p.store) ?? -1)) streamTimes.set(p.store, maxTimestamp);
        p.position = r.nextOffset;
        p.restored += records;
        applied += records;
        listener?.onBatchRestored?.({
          taskId,
          store: p.store,
          topic: p.topic,
          partition: p.partition,
          batchEndOffset: r.nextOffset,
          numRestored: records,
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
    if (now - lastLog >= (options.progressIntervalMs ?? 2_000) && pending().length > 0) {
      lastLog = now;
      const remaining = pending().reduce((sum, p) => sum + (p.endOffset - p.position), 0);
      logger.info(
        {
          taskId,
          restored: progress.restored,
          total: progress.total,
          recordsPerSecond: progress.recordsPerSecond,
          etaMs: progress.recordsPerSecond > 0 ? Math.round((remaining * 1000) / progress.recordsPerSecond) : undefined,
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
    restoredStreamTimes: streamTimes,
    positions: new Map([...state].map(([key, p]) => [key, p.position])),
    aborted,
  };
}
