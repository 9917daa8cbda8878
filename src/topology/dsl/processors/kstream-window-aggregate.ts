// windowedBy(TimeWindows).count / reduce / aggregate: Kafka Streams' KStreamWindowAggregate.
// Each record is folded into every window it falls in (one for tumbling windows, size /
// advance for hopping ones) that has not closed yet: a window closes when the
// processor's stream time passes its end + grace; a record for a closed window is late,
// dropped and counted. Each update goes downstream keyed by { key, window }, stamped
// with the latest record time folded into the window (or, emitting on window close, each
// window once when it closes: time-window-aggregate-processor.ts).
import type { Window, Windowed } from "../../../serdes/windowed.js";
import { CachingWindowStore, WINDOW_NOT_CACHED } from "../../../stores/caching-window-store.js";
import type { ValueAndTimestamp } from "../../../stores/value-and-timestamp.js";
import { FORWARDED } from "../../processor.js";
import type { ProcessorSupplier } from "../../processor.js";
import type { StreamRecord } from "../../record.js";
import type { TimeWindows } from "../time-windows.js";
import type { Change } from "./change.js";
import { TimeWindowAggregateProcessor, TimeWindowAggregateSupplier } from "./time-window-aggregate-processor.js";

const NO_TIMESTAMP = -1;

export class WindowAggregateSupplier<K, V, VA> extends TimeWindowAggregateSupplier<K, V, VA, TimeWindows> {
  readonly supplier: ProcessorSupplier<K, V, Windowed<K>, Change<VA>> = () => {
    const { storeName, windows, initializer, aggregator } = this;
    const size = windows.size();
    /** Whether some window holds `upper` and not `lower - 1`: a window closed since the last emit. */
    const windowsDiffer = (lower: number, upper: number): boolean => {
      const closing = [...windows.windowsFor(upper).keys()];
      const emitted = [...windows.windowsFor(lower - 1).keys()];
      return closing.length !== emitted.length || closing.some((start, i) => start !== emitted[i]);
    };
    // Tumbling windows: a record falls in one window, found without a Map of them.
    const tumbling = windows.advanceMs === size;
    return new (class extends TimeWindowAggregateProcessor<K, V, VA> {
      // The common record (its window cached or known absent, a store over the task's
      // overlay, updates forwarded by the cache) is folded without a single promise and,
      // for tumbling windows, without an object for its window; each step hands over to a
      // continuation only when it must wait.
      process(record: StreamRecord<K, V>): void | Promise<void> {
        if (record.key === null) {
          this.context.recordDropped("a windowed aggregation skips records with a null key");
          return;
        }
        const timestamp = record.timestamp;
        const closeTime = this.windowCloseTime(timestamp, windows.gracePeriodMs());
        if (!tumbling) return this.#foldFrom(record, closeTime, windows.windowsFor(timestamp).keys());
        // As windowsFor(): no window starts before 0.
        const waiting = timestamp < 0 ? undefined : this.#foldInto(record, closeTime, timestamp - (timestamp % size));
        if (waiting === undefined) return this.maybeForwardFinalResult(record, closeTime);
        return waiting.then(() => this.maybeForwardFinalResult(record, closeTime));
      }

      /** Folds the record into the windows left in `pending`, then looks for closed windows to emit. */
      #foldFrom(
        record: StreamRecord<K, V>,
        closeTime: number,
        pending: IterableIterator<number>,
      ): void | Promise<void> {
        for (let next = pending.next(); next.done !== true; next = pending.next()) {
          const waiting = this.#foldInto(record, closeTime, next.value);
          if (waiting !== undefined) return waiting.then(() => this.#foldFrom(record, closeTime, pending));
        }
        return this.maybeForwardFinalResult(record, closeTime);
      }

      /** Folds the record into the window at `windowStart`, unless it has closed; a promise only when it must wait. */
      #foldInto(record: StreamRecord<K, V>, closeTime: number, windowStart: number): Promise<void> | undefined {
        const windowEnd = windowStart + size;
        if (windowEnd <= closeTime) {
          this.dropExpired(record.timestamp, `[${windowStart},${windowEnd})`, closeTime);
          return undefined;
        }
        const store = this.store;
        const cached = store instanceof CachingWindowStore ? store.peek(record.key, windowStart) : WINDOW_NOT_CACHED;
        if (cached !== WINDOW_NOT_CACHED) return this.#fold(record, windowStart, cached ?? null);
        return store.fetch(record.key, windowStart).then((old) => this.#fold(record, windowStart, old ?? null));
      }

      #fold(
        record: StreamRecord<K, V>,
        windowStart: number,
        old: ValueAndTimestamp<VA> | null,
      ): Promise<void> | undefined {
        const oldAggregate = old === null ? initializer() : old.value;
        // The window is as recent as the latest record folded into it.
        const timestamp = old === null ? record.timestamp : Math.max(record.timestamp, old.timestamp);
        const newAggregate = aggregator(record.key, record.value, oldAggregate);
        const stored = { value: newAggregate, timestamp };
        const store = this.store;
        const written = store instanceof CachingWindowStore ? store.putNow(record.key, stored, windowStart) : false;
        if (written === true) return this.#forward(record, windowStart, oldAggregate, newAggregate, timestamp);
        const forward = (): Promise<void> | undefined =>
          this.#forward(record, windowStart, oldAggregate, newAggregate, timestamp);
        if (written !== false) return written.then(forward);
        return Promise.resolve(store.put(record.key, stored, windowStart)).then(forward);
      }

      #forward(
        record: StreamRecord<K, V>,
        windowStart: number,
        oldAggregate: VA,
        newAggregate: VA,
        timestamp: number,
      ): Promise<void> | undefined {
        // Behind the cache, or emitting on window close, nothing is forwarded here: no window object to make.
        if (!this.forwardsUpdates) return undefined;
        const window: Window = { start: windowStart, end: windowStart + size };
        const forwarded = this.maybeForwardUpdate(record, window, oldAggregate, newAggregate, timestamp);
        return forwarded === FORWARDED ? undefined : forwarded;
      }

      // Window ends are exclusive: the windows that start after the last emit's range, up to close time - size.
      protected emitRangeLowerBound(_closeTime: number, lastEmit: number): number {
        return lastEmit === NO_TIMESTAMP ? 0 : Math.max(0, lastEmit - size) + 1;
      }

      protected emitRangeUpperBound(closeTime: number): number {
        return closeTime - size;
      }

      // Nothing to fetch when close time did not move far enough to close another window.
      protected shouldRangeFetch(lower: number, upper: number, lastEmit: number): boolean {
        return lastEmit === NO_TIMESTAMP || windowsDiffer(lower, upper);
      }
    })(storeName, this.emitStrategy, this.sendOldValues);
  };
}
