// The background work on partition logs, each on its own timer as in Kafka's LogManager:
// the cleaner (log.cleaner.backoff.ms), retention (log.retention.check.interval.ms), flush.ms
// (checked every second for topics that set it) and the expiration of idle producer ids
// (producer.id.expiration.ms). Partitions are cleaned one at a time with a turn of the event
// loop between them, so requests keep being served while a large log is compacted.
import { setImmediate as nextTurn } from "node:timers/promises";
import type { Logger } from "pino";
import { cleanLog, planCleaning } from "./log-cleaner.js";
import { applyRetention } from "./log-retention.js";
import type { PartitionLog } from "./partition-log.js";

const FLUSH_CHECK_INTERVAL_MS = 1000;

export interface LogManagerOptions {
  /** Every partition log of the broker, at the time of the call. */
  partitions: () => Iterable<PartitionLog>;
  cleanerBackoffMs: number;
  retentionCheckIntervalMs: number;
  producerIdExpirationMs: number;
  producerIdExpirationCheckIntervalMs: number;
  logger: Logger;
  now: () => number;
}

export class LogManager {
  private readonly timers: NodeJS.Timeout[] = [];
  /** Partitions whose cleaning failed (an unreadable batch): skipped until restart, as Kafka marks them uncleanable. */
  private readonly uncleanable = new WeakSet<PartitionLog>();
  private cleaning = false;
  private closed = false;

  constructor(private readonly options: LogManagerOptions) {}

  start(): void {
    const every = (ms: number, task: () => void) => {
      const timer = setInterval(() => {
        try {
          task();
        } catch (error) {
          // A failing disk must not take the broker down from a timer; requests report it.
          this.options.logger.error({ err: error }, "log maintenance failed");
        }
      }, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.cleanerBackoffMs, () => void this.runCleaner());
    every(this.options.retentionCheckIntervalMs, () => this.runRetention());
    every(FLUSH_CHECK_INTERVAL_MS, () => this.runFlush());
    every(this.options.producerIdExpirationCheckIntervalMs, () => this.expireProducers());
  }

  /** One pass of the cleaner over every compacted partition that needs it. */
  async runCleaner(): Promise<void> {
    if (this.cleaning || this.closed) return;
    this.cleaning = true;
    try {
      for (const log of [...this.options.partitions()]) {
        if (this.closed) return;
        if (log.isDeleted || !log.config.cleanupPolicy.compact || this.uncleanable.has(log)) continue;
        const now = this.options.now();
        const plan = planCleaning(log, log.cleanerCheckpoint, now);
        if (!plan) continue;
        const started = performance.now();
        try {
          const result = cleanLog(log, plan, now);
          log.cleanerCheckpoint = result.checkpoint;
          this.options.logger.info(
            {
              topic: log.topic,
              partition: log.partition,
              dirtyRatio: Number(plan.dirtyRatio.toFixed(3)),
              segments: `${result.segmentsBefore} -> ${result.segmentsAfter}`,
              bytes: `${result.bytesBefore} -> ${result.bytesAfter}`,
              recordsRemoved: result.recordsRemoved,
              ms: Math.round(performance.now() - started),
            },
            "cleaned log",
          );
        } catch (error) {
          this.uncleanable.add(log);
          this.options.logger.error(
            { err: error, topic: log.topic, partition: log.partition },
            "log cleaning failed; the log is unchanged and the partition is not cleaned again until the broker restarts",
          );
        }
        await nextTurn();
      }
    } finally {
      this.cleaning = false;
    }
  }

  runRetention(): void {
    const now = this.options.now();
    for (const log of this.options.partitions()) {
      if (log.isDeleted) continue;
      const result = applyRetention(log, now);
      if (result.byTime + result.bySize > 0) {
        this.options.logger.info(
          {
            topic: log.topic,
            partition: log.partition,
            byTime: result.byTime,
            bySize: result.bySize,
            logStartOffset: log.logStartOffset,
          },
          "deleted segments past retention",
        );
      }
    }
  }

  private runFlush(): void {
    const now = this.options.now();
    for (const log of this.options.partitions()) {
      if (!log.isDeleted && log.config.flushMs < Number.MAX_SAFE_INTEGER) log.flushIfDue(now);
    }
  }

  private expireProducers(): void {
    const now = this.options.now();
    for (const log of this.options.partitions()) log.producers.removeExpired(now, this.options.producerIdExpirationMs);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
  }
}
