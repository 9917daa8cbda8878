// One side of a stream-stream join: Kafka Streams' KStreamKStreamJoin (its left and right
// sides). A record of this side joins every record of the other side's window store with
// its key in [t - before, t + after] (the other side's before and after swapped), each
// result stamped with the later of the two times. In a left or outer join, a record that
// found no partner waits in the shared outer store (KS 3.1+) until its window has closed
// (stream time past its time + after + grace, or + before for the right side), and is
// emitted joined with null then, unless a partner arrived meanwhile: no spurious
// results. Both sides share the task's stream time, so either side's records close the
// other's windows, and the store is scanned at most once per emit interval of wall-clock
// time (a performance bound, as Kafka Streams' throttle: records whose window closed wait
// for the next scan). Records with a null key or value are dropped (a left or outer side's
// record with a null key is joined with null at once, as since KS 3.7).
import type { KeyValueStore } from "../../../../stores/key-value-store.js";
import type { ReadOnlyWindowStore } from "../../../../stores/window-store.js";
import type { ProcessorContext, ProcessorSupplier } from "../../../processor.js";
import type { StreamRecord } from "../../../record.js";
import { OUTER_JOIN_EMIT_INTERVAL_CONFIG } from "../../../internal-configs.js";
import type { JoinWindows } from "../../join-windows.js";
import { ForwardingProcessor } from "../forwarding-processor.js";
import type { LeftOrRightValue, TimestampedKeyAndJoinSide } from "./outer-join-store-format.js";

const NO_TIMESTAMP = -1;
const DEFAULT_EMIT_INTERVAL_MS = 1000;

/** The stream time both sides of one task's join see, and the oldest record waiting in the outer store. */
export class JoinTimeTracker {
  streamTime = NO_TIMESTAMP;
  // Unknown after a restart: the first closed window scans the store (Kafka Streams starts at
  // Long.MAX_VALUE and so leaves restored records waiting until a new one is stored).
  minTime = NO_TIMESTAMP;
  emitIntervalMs = DEFAULT_EMIT_INTERVAL_MS;
  /** The wall-clock time before which the outer store is not scanned again. */
  nextTimeToEmit = 0;
}

function emitInterval(configs: Readonly<Record<string, unknown>>): number {
  const configured = configs[OUTER_JOIN_EMIT_INTERVAL_CONFIG];
  const interval = configured === undefined ? DEFAULT_EMIT_INTERVAL_MS : Number(configured);
  if (!Number.isFinite(interval) || interval < 0) {
    throw new RangeError(
      `${OUTER_JOIN_EMIT_INTERVAL_CONFIG} must be a number of milliseconds >= 0, got ${String(configured)}`,
    );
  }
  return interval;
}

/** One JoinTimeTracker per task, shared by the two sides' processors of that task. */
export class JoinTimeTrackers {
  readonly #byTask = new Map<string, { tracker: JoinTimeTracker; users: number }>();

  acquire(taskId: string): JoinTimeTracker {
    let entry = this.#byTask.get(taskId);
    if (entry === undefined) {
      entry = { tracker: new JoinTimeTracker(), users: 0 };
      this.#byTask.set(taskId, entry);
    }
    entry.users++;
    return entry.tracker;
  }

  release(taskId: string): void {
    const entry = this.#byTask.get(taskId);
    if (entry !== undefined && --entry.users <= 0) this.#byTask.delete(taskId);
  }
}

export interface StreamJoinSide<K, VL, VR, VOut> {
  /** This processor handles the left (this) stream's records. */
  readonly leftSide: boolean;
  readonly otherStoreName: string;
  readonly windows: JoinWindows;
  /** The user's joiner, in the left stream's terms: (leftValue, rightValue, key). */
  readonly joiner: (left: VL | null, right: VR | null, key: K) => VOut;
  /** This side's records are emitted with null when they find no partner. */
  readonly outer: boolean;
  /** The shared outer store, in a left or outer join. */
  readonly outerStoreName: string | undefined;
  readonly trackers: JoinTimeTrackers;
}

type OuterStore<K, VL, VR> = KeyValueStore<TimestampedKeyAndJoinSide<K>, LeftOrRightValue<VL, VR>[]>;

export function streamJoinSideSupplier<K, VL, VR, VOut>(
  side: StreamJoinSide<K, VL, VR, VOut>,
): ProcessorSupplier<K, unknown, K, VOut> {
  const { leftSide, windows, joiner, outer } = side;
  // The other side's records this side's record at t joins lie in [t - joinBefore, t + joinAfter].
  const joinBefore = leftSide ? windows.beforeMs : windows.afterMs;
  const joinAfter = leftSide ? windows.afterMs : windows.beforeMs;
  const grace = windows.gracePeriodMs();
  const join = (thisValue: unknown, otherValue: unknown, key: K): VOut =>
    leftSide ? joiner(thisValue as VL, otherValue as VR, key) : joiner(otherValue as VL, thisValue as VR, key);
  return () =>
    new (class extends ForwardingProcessor<K, unknown, K, VOut> {
      #otherStore!: ReadOnlyWindowStore<K, unknown>;
      #outerStore: OuterStore<K, VL, VR> | undefined;
      #tracker!: JoinTimeTracker;
      #taskId = "";

      override init(context: ProcessorContext<K, VOut>): void {
        super.init(context);
        this.#otherStore = context.getStateStore(side.otherStoreName) as unknown as ReadOnlyWindowStore<K, unknown>;
        if (side.outerStoreName !== undefined) {
          this.#outerStore = context.getStateStore(side.outerStoreName) as unknown as OuterStore<K, VL, VR>;
        }
        this.#taskId = context.taskId;
        this.#tracker = side.trackers.acquire(context.taskId);
        if (this.#outerStore !== undefined) this.#tracker.emitIntervalMs = emitInterval(context.appConfigs());
      }

      close(): void {
        side.trackers.release(this.#taskId);
      }

      async process(record: StreamRecord<K, unknown>): Promise<void> {
        const tracker = this.#tracker;
        const timestamp = record.timestamp;
        tracker.streamTime = Math.max(tracker.streamTime, timestamp);
        const key = record.key;
        if (outer && (key === null || key === undefined) && record.value !== null && record.value !== undefined) {
          await this.context.forward({ ...record, value: join(record.value, null, key) });
          return;
        }
        if (key === null || key === undefined || record.value === null || record.value === undefined) {
          this.context.recordDropped("a stream-stream join skips records with a null key or value");
          return;
        }
        if (timestamp === tracker.streamTime && this.#outerStore !== undefined) {
          await this.#emitNonJoined(this.#outerStore, record);
        }
        const timeFrom = Math.max(0, timestamp - joinBefore);
        const timeTo = Math.max(0, timestamp + joinAfter);
        let joined = false;
        for await (const other of this.#otherStore.fetch(key, timeFrom, timeTo)) {
          joined = true;
          // The partner is no longer waiting for a null result.
          await this.#outerStore?.delete({ key, timestamp: other.key, leftSide: !leftSide });
          await this.context.forward({
            ...record,
            value: join(record.value, other.value, key),
            timestamp: Math.max(timestamp, other.key),
          });
        }
        if (!outer || joined) return;
        // A record whose window has already closed (it came out of order) gets its null result at once.
        if (this.#outerStore === undefined || timeTo < tracker.streamTime) {
          await this.context.forward({ ...record, value: join(record.value, null, key) });
          return;
        }
        // Still unknown (after a restart), it stays so: older records may wait in the store.
        if (tracker.minTime !== NO_TIMESTAMP) tracker.minTime = Math.min(tracker.minTime, timestamp);
        const outerKey = { key, timestamp, leftSide };
        const waiting = (await this.#outerStore.get(outerKey)) ?? [];
        waiting.push({ leftSide, value: record.value } as LeftOrRightValue<VL, VR>);
        await this.#outerStore.put(outerKey, waiting);
      }

      /** Emits, oldest first, the waiting records whose windows have closed, and forgets them. */
      async #emitNonJoined(store: OuterStore<K, VL, VR>, record: StreamRecord<K, unknown>): Promise<void> {
        const tracker = this.#tracker;
        // Nothing waits longer than the oldest record's window: skip the scan until that closes.
        if (tracker.minTime !== NO_TIMESTAMP && tracker.minTime + joinAfter + grace >= tracker.streamTime) return;
        const now = this.context.currentSystemTimeMs();
        if (now < tracker.nextTimeToEmit) return;
        // From now, not from the last due time: a clock that jumped ahead does not make every record scan.
        tracker.nextTimeToEmit = now + tracker.emitIntervalMs;
        tracker.minTime = Number.MAX_SAFE_INTEGER;
        const closed: { key: TimestampedKeyAndJoinSide<K>; values: LeftOrRightValue<VL, VR>[] }[] = [];
        let leftOpen = false;
        let rightOpen = false;
        // Keys are in time order; each side's scan ends at its first open window.
        for await (const entry of store.all()) {
          tracker.minTime = entry.key.timestamp;
          if (leftOpen && rightOpen) break;
          // A left record waits for right ones up to after ms later, a right record for left ones up to before ms.
          const lookBack = entry.key.leftSide ? windows.afterMs : windows.beforeMs;
          if (tracker.minTime + lookBack + grace >= tracker.streamTime) {
            if (entry.key.leftSide) leftOpen = true;
            else rightOpen = true;
            continue;
          }
          closed.push({ key: entry.key, values: entry.value });
        }
        for (const { key, values } of closed) {
          for (const value of values) {
            const result = value.leftSide
              ? joiner(value.value, null, key.key)
              : joiner(null, value.value as VR, key.key);
            await this.context.forward({ ...record, key: key.key, value: result, timestamp: key.timestamp });
          }
          // Deleted only once all its values went out: a failure in between emits them again, never loses one.
          await store.delete(key);
        }
      }
    })();
}
