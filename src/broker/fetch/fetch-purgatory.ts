// Fetches that wait for data (Kafka's DelayedFetch purgatory). A Fetch that found fewer
// than min_bytes waits here until appends to its partitions bring enough bytes, its
// max_wait_ms passes, a partition is deleted, or the broker closes. Appends wake waiters
// directly (no polling, no timers besides each fetch's own deadline).
import type { PartitionLog } from "../log/partition-log.js";

interface Waiter {
  finish(): void;
}

export class FetchPurgatory {
  private readonly waiters = new Set<Waiter>();
  private closed = false;

  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves when `neededBytes` more bytes were appended to `logs`, or after `maxWaitMs`. */
  wait(logs: readonly PartitionLog[], neededBytes: number, maxWaitMs: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      let accumulated = 0;
      let done = false;
      const unsubscribe: (() => void)[] = [];
      const waiter: Waiter = {
        finish: () => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          for (const off of unsubscribe) off();
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.finish, maxWaitMs);
      this.waiters.add(waiter);
      for (const log of logs) {
        unsubscribe.push(
          log.onAppend((appended, bytes) => {
            accumulated += bytes;
            if (accumulated >= neededBytes || appended.isDeleted) waiter.finish();
          }),
        );
      }
    });
  }

  get size(): number {
    return this.waiters.size;
  }

  /** Answers every waiting fetch now (broker shutdown). */
  close(): void {
    this.closed = true;
    for (const waiter of [...this.waiters]) waiter.finish();
  }
}
