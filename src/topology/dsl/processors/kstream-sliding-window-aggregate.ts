// windowedBy(SlidingWindows).count / reduce / aggregate: Kafka Streams'
// KStreamSlidingWindowAggregate (emit on every update). A record at t updates every existing
// window of its key that holds t, creates its left window [t - d, t] (seeded with the
// aggregate of the previous record's window when that record is within d), its right window
// [t + 1, t + 1 + d] when later records exist (their aggregate, which never holds t), and the
// previous record's right window when t falls in it. Records before d go to the window
// [0, d] (no negative starts), as Kafka Streams does. A window closes when stream time
// passes its end + grace; a record for a closed window is dropped and counted.
import type { Window, Windowed } from "../../../serdes/windowed.js";
import type { ValueAndTimestamp } from "../../../stores/value-and-timestamp.js";
import { valueOrNull } from "../../../stores/value-and-timestamp.js";
import type { ProcessorSupplier } from "../../processor.js";
import type { StreamRecord } from "../../record.js";
import type { SlidingWindows } from "../sliding-windows.js";
import type { Change } from "./change.js";
import { TimeWindowAggregateProcessor, TimeWindowAggregateSupplier } from "./time-window-aggregate-processor.js";

/** The windows found, read before any is updated: the scan never sees its own writes. */
async function collect<T>(entries: AsyncIterableIterator<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const entry of entries) all.push(entry);
  return all;
}

type Stamped<VA> = ValueAndTimestamp<VA> | null;

/** Kafka Streams' ValueAndTimestamp.make: no value, no entry. */
function make<VA>(value: VA, timestamp: number): Stamped<VA> {
  return value === null || value === undefined ? null : { value, timestamp };
}

/** What one pass over a record's neighbouring windows found. */
interface Neighbours<VA> {
  readonly startTimes: Set<number>;
  leftAggregate: Stamped<VA>;
  rightAggregate: Stamped<VA>;
  leftCreated: boolean;
  rightCreated: boolean;
  previousRecordTime: number | undefined;
}

const NO_TIMESTAMP = -1;

export class SlidingWindowAggregateSupplier<K, V, VA> extends TimeWindowAggregateSupplier<K, V, VA, SlidingWindows> {
  readonly supplier: ProcessorSupplier<K, V, Windowed<K>, Change<VA>> = () => {
    const { storeName, windows, initializer, aggregator } = this;
    const difference = windows.timeDifferenceMs();
    return new (class extends TimeWindowAggregateProcessor<K, V, VA> {
      async process(record: StreamRecord<K, V>): Promise<void> {
        if (record.key === null || record.value === null) {
          this.context.recordDropped("a sliding-window aggregation skips records with a null key or value");
          return;
        }
        const timestamp = record.timestamp;
        const closeTime = this.windowCloseTime(timestamp, windows.gracePeriodMs());
        if (timestamp + difference < closeTime) {
          this.#dropExpired(timestamp, { start: timestamp, end: timestamp + difference }, closeTime);
          return;
        }
        // As Kafka Streams: an early record looks for no closed windows.
        if (timestamp < difference) {
          await this.#processEarly(record, closeTime);
          return;
        }
        await this.#processReverse(record, closeTime);
        await this.maybeForwardFinalResult(record, closeTime);
      }

      // Window ends are inclusive: the windows that end in (last emit's close time - 1, close time - 1].
      protected emitRangeLowerBound(_closeTime: number, lastEmit: number): number {
        return lastEmit === NO_TIMESTAMP ? 0 : Math.max(0, lastEmit - difference);
      }

      protected emitRangeUpperBound(closeTime: number): number {
        return closeTime - difference - 1;
      }

      protected shouldRangeFetch(): boolean {
        return true;
      }

      /** Newest window first, so the search stops at the first window entirely before the record. */
      async #processReverse(record: StreamRecord<K, V>, closeTime: number): Promise<void> {
        const timestamp = record.timestamp;
        const found: Neighbours<VA> = {
          startTimes: new Set(),
          leftAggregate: null,
          rightAggregate: null,
          leftCreated: false,
          rightCreated: false,
          previousRecordTime: undefined,
        };
        const from = Math.max(0, timestamp - 2 * difference);
        // timestamp + 1 catches the record's right window, if it exists, in the same scan.
        for (const { key: start, value } of await collect(this.store.backwardFetch(record.key, from, timestamp + 1))) {
          found.startTimes.add(start);
          const end = start + difference;
          if (start === timestamp + 1) {
            found.rightCreated = true;
          } else if (end > timestamp) {
            found.rightAggregate ??= value;
            await this.#updateAndForward({ start, end }, value, record, closeTime);
          } else if (end === timestamp) {
            found.leftCreated = true;
            await this.#updateAndForward({ start, end }, value, record, closeTime);
            // The left window already holds a record at t or later: every window this record needs exists.
            if (value.timestamp >= timestamp) return;
            found.previousRecordTime = value.timestamp;
          } else {
            found.leftAggregate = value;
            found.previousRecordTime = value.timestamp;
            break;
          }
        }
        await this.#createWindows(record, closeTime, found);
      }

      /** A record before the time difference: it joins the window [0, d] that holds all early records. */
      async #processEarly(record: StreamRecord<K, V>, closeTime: number): Promise<void> {
        const timestamp = record.timestamp;
        let combined: { window: Window; value: ValueAndTimestamp<VA> } | undefined;
        let rightAggregate: Stamped<VA> = null;
        let rightCreated = false;
        let previousRecordTime: number | undefined;
        const startTimes = new Set<number>();
        for (const { key: start, value } of await collect(this.store.fetch(record.key, 0, timestamp + 1))) {
          startTimes.add(start);
          if (start === 0) {
            combined = { window: { start, end: difference }, value };
            // A later record in [0, d] already made the previous record's right window.
            if (value.timestamp < timestamp) previousRecordTime = value.timestamp;
          } else if (start <= timestamp) {
            rightAggregate = value;
            await this.#updateAndForward({ start, end: start + difference }, value, record, closeTime);
          } else if (start === timestamp + 1) {
            rightCreated = true;
          }
        }
        // Without a right window found, [0, d]'s records after t are exactly the right window's.
        if (rightAggregate === null && combined !== undefined && combined.value.timestamp > timestamp) {
          rightAggregate = combined.value;
        }
        if (!rightCreated && this.#rightWindowNotEmpty(rightAggregate, timestamp)) {
          await this.#createRightWindow(record, rightAggregate!);
        }
        if (previousRecordTime !== undefined && !startTimes.has(previousRecordTime + 1)) {
          await this.#createPreviousRightWindow(previousRecordTime + 1, record, closeTime);
        }
        if (combined === undefined) {
          await this.#updateAndForward(
            { start: 0, end: difference },
            make(initializer(), timestamp),
            record,
            closeTime,
          );
        } else {
          await this.#updateAndForward(combined.window, combined.value, record, closeTime);
        }
      }

      async #createWindows(record: StreamRecord<K, V>, closeTime: number, found: Neighbours<VA>): Promise<void> {
        const timestamp = record.timestamp;
        const previous = found.previousRecordTime;
        if (previous !== undefined) {
          const previousRightStart = previous + 1;
          if (!found.startTimes.has(previousRightStart) && previousRightStart + difference >= timestamp) {
            await this.#createPreviousRightWindow(previousRightStart, record, closeTime);
          }
        }
        if (!found.leftCreated) {
          // The left window holds what the previous record's window held when that record is within d.
          const seed =
            previous !== undefined && timestamp - difference <= previous && found.leftAggregate !== null
              ? make(found.leftAggregate.value, timestamp)
              : make(initializer(), timestamp);
          await this.#updateAndForward({ start: timestamp - difference, end: timestamp }, seed, record, closeTime);
        }
        if (!found.rightCreated && this.#rightWindowNotEmpty(found.rightAggregate, timestamp)) {
          await this.#createRightWindow(record, found.rightAggregate!);
        }
      }

      /** The aggregate holds records after t: the record's right window has contents. */
      #rightWindowNotEmpty(rightAggregate: Stamped<VA>, timestamp: number): boolean {
        return rightAggregate !== null && rightAggregate.timestamp > timestamp;
      }

      /** The record's right window: the later records' aggregate, without this record. */
      async #createRightWindow(record: StreamRecord<K, V>, aggregate: ValueAndTimestamp<VA>): Promise<void> {
        const start = record.timestamp + 1;
        await this.store.put(record.key, aggregate, start);
        const window = { start, end: start + difference };
        await this.maybeForwardUpdate(record, window, null, aggregate.value, aggregate.timestamp);
      }

      async #createPreviousRightWindow(start: number, record: StreamRecord<K, V>, closeTime: number): Promise<void> {
        const seed = make(initializer(), record.timestamp);
        await this.#updateAndForward({ start, end: start + difference }, seed, record, closeTime);
      }

      async #updateAndForward(
        window: Window,
        current: Stamped<VA>,
        record: StreamRecord<K, V>,
        closeTime: number,
      ): Promise<void> {
        if (window.end < closeTime) {
          this.#dropExpired(record.timestamp, window, closeTime);
          return;
        }
        const oldAggregate = valueOrNull(current);
        const newAggregate = aggregator(record.key, record.value, oldAggregate as VA);
        const newTimestamp =
          oldAggregate === null || current === null ? record.timestamp : Math.max(record.timestamp, current.timestamp);
        await this.store.put(record.key, { value: newAggregate, timestamp: newTimestamp }, window.start);
        await this.maybeForwardUpdate(record, window, oldAggregate, newAggregate, newTimestamp);
      }

      #dropExpired(timestamp: number, window: Window, closeTime: number): void {
        this.dropExpired(timestamp, `[${window.start},${window.end}]`, closeTime);
      }
    })(storeName, this.emitStrategy, this.sendOldValues);
  };
}
