// Brings task state up to date from changelog topics, as Kafka Streams'
// StoreChangelogReader: active tasks restore from their checkpoint to the changelog
// end captured when the task was initialised (task-restore.ts); standby tasks follow
// their changelogs for as long as they live. Both read read_committed, so aborted writes
// of a crashed owner never reach local state. Every applied batch moves the checkpoint in
// the same LevelDB batch as the data (changelog-records.ts), so an interrupted restore
// resumes where it stopped. Records go from the fetch response to the storage's write
// batch as they are decoded: a restore keeps response bytes alive between fetch and
// write, never an object per record.
import type { Logger } from "pino";
import { sleep } from "../kafka/backoff.js";
import { isOffsetOutOfRange } from "../kafka/errors.js";
import type { PartitionReader } from "../kafka/partition-reader.js";
import { topicPartitionKey } from "../kafka/types.js";
import type { TaskStorage } from "../stores/task-storage.js";
import type { TaskId } from "../engine/task-id.js";
import { applyChangelogRead } from "./changelog-records.js";
import type { ChangelogPosition } from "./changelog-records.js";
import type { StreamsMetrics } from "./metrics.js";
import type { StateRestoreListener } from "./state-restore-listener.js";
import { restoreTask } from "./task-restore.js";
import type { RestoreRequest, RestoreResult } from "./task-restore.js";

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
  restore(request: RestoreRequest): Promise<RestoreResult> {
    const { logger, metrics, listener, progressIntervalMs } = this.options;
    return restoreTask(
      this.reader,
      { logger, metrics, listener, maxBytes: this.maxBytes, progressIntervalMs },
      request,
    );
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
          const { records } = await applyChangelogRead(standby.storage, position, r);
          position.offset = r.nextOffset;
          metrics.standbyRecordsApplied += records;
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
