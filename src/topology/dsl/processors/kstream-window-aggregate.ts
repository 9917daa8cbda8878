// windowedBy(TimeWindows).count / reduce / aggregate: Kafka Streams' KStreamWindowAggregate.
// Each record is folded into every window it falls in (one for tumbling windows, size /
// advance for hopping ones) that has not closed yet: a window closes when the
// processor's stream time passes its end + grace; a record for a closed window is late,
// dropped and counted. Each update goes downstream keyed by { key, window }, stamped
// with the latest record time folded into the window (or, emitting on window close, each
// window once when it closes: time-window-aggregate-processor.ts).
import type { Windowed } from "../../../serdes/windowed.js";
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
    return new (class extends TimeWindowAggregateProcessor<K, V, VA> {
      async process(record: StreamRecord<K, V>): Promise<void> {
        if (record.key === null) {
          this.context.recordDropped("a windowed aggregation skips records with a null key");
          return;
        }
        const key = record.key;
        const timestamp = record.timestamp;
        const closeTime = this.windowCloseTime(timestamp, windows.gracePeriodMs());
        for (const [windowStart, window] of windows.windowsFor(timestamp)) {
          if (window.end <= closeTime) {
            this.dropExpired(timestamp, `[${windowStart},${window.end})`, closeTime);
            continue;
          }
          const old = await this.store.fetch(key, windowStart);
          const oldAggregate = old === undefined || old === null ? initializer() : old.value;
          // The window is as recent as the latest record folded into it.
          const newTimestamp = old === undefined || old === null ? timestamp : Math.max(timestamp, old.timestamp);
          const newAggregate = aggregator(key, record.value as V, oldAggregate);
          await this.store.put(key, { value: newAggregate, timestamp: newTimestamp }, windowStart);
          await this.maybeForwardUpdate(record, window, oldAggregate, newAggregate, newTimestamp);
        }
        await this.maybeForwardFinalResult(record, closeTime);
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
