// windowedBy(SessionWindows).count / reduce / aggregate: Kafka Streams'
// KStreamSessionWindowAggregate. A record opens the session [t, t] or joins the sessions
// of its key within the inactivity gap, which are merged (merger) into one: each merged
// session is removed and forwarded as a delete, then the new session forwarded, stamped
// with its end (through the record cache when the store is cached: a session's updates
// fold until the flush). A record whose merged session ended before stream time - gap -
// grace is late: dropped and counted. Emitting on window close, nothing goes downstream
// until sessions close: then every session that closed since the last emit leaves once,
// by end, then start, then key, stamped with its end.
import type { Windowed } from "../../../serdes/windowed.js";
import type { CachedStore, FlushedEntry } from "../../../stores/cached-store.js";
import { isCachedStore } from "../../../stores/cached-store.js";
import type { KeyValue } from "../../../stores/key-value-store.js";
import { TypedSessionStore } from "../../../stores/session-store.js";
import type { SessionStore } from "../../../stores/session-store.js";
import type { RecordHeaders } from "../../headers.js";
import { FORWARDED } from "../../processor.js";
import type { ProcessorContext, ProcessorSupplier } from "../../processor.js";
import type { RecordContext, StreamRecord } from "../../record.js";
import { EmitStrategy } from "../emit-strategy.js";
import type { SessionWindows } from "../session-windows.js";
import type { Change } from "./change.js";
import { FinalResultThrottle } from "./final-result-throttle.js";
import { ForwardingProcessor } from "./forwarding-processor.js";
import type { TableProcessorSupplier } from "./table-processor-supplier.js";
import type { ValueGetter, ValueGetterSupplier } from "./value-getter.js";

export type Merger<K, VA> = (key: K, aggregateOne: VA, aggregateTwo: VA) => VA;

const NONE: readonly never[] = [];

async function collect<T>(entries: AsyncIterableIterator<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const entry of entries) all.push(entry);
  return all;
}

function sessionStoreOf<K, VA>(context: ProcessorContext<unknown, unknown>, storeName: string): SessionStore<K, VA> {
  return context.getStateStore(storeName) as unknown as SessionStore<K, VA>;
}

export class SessionWindowAggregateSupplier<K, V, VA> implements TableProcessorSupplier<Windowed<K>, VA> {
  readonly storeName: string;
  readonly windows: SessionWindows;
  readonly emitStrategy: EmitStrategy;
  readonly #initializer: () => VA;
  readonly #aggregator: (key: K, value: V, aggregate: VA) => VA;
  readonly #merger: Merger<K, VA>;
  #sendOldValues = false;

  constructor(
    storeName: string,
    windows: SessionWindows,
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    merger: Merger<K, VA>,
    emitStrategy: EmitStrategy = EmitStrategy.onWindowUpdate(),
  ) {
    this.storeName = storeName;
    this.windows = windows;
    this.emitStrategy = emitStrategy;
    this.#initializer = initializer;
    this.#aggregator = aggregator;
    this.#merger = merger;
  }

  enableSendingOldValues(): boolean {
    this.#sendOldValues = true;
    return true;
  }

  view(): ValueGetterSupplier<Windowed<K>, VA> {
    const storeName = this.storeName;
    return {
      storeNames: [storeName],
      get(): ValueGetter<Windowed<K>, VA> {
        let store: SessionStore<K, VA> | undefined;
        return {
          init(context) {
            store = sessionStoreOf<K, VA>(context, storeName);
          },
          async get(windowed) {
            if (store === undefined) throw new Error(`The value getter of store "${storeName}" was used before init()`);
            const value = await store.fetchSession(windowed.key, windowed.window.start, windowed.window.end);
            // A session's row is as recent as its end (Kafka Streams' session value getter).
            return value === undefined ? null : { value, timestamp: windowed.window.end };
          },
        };
      },
    };
  }

  readonly supplier: ProcessorSupplier<K, V, Windowed<K>, Change<VA>> = () => {
    const { storeName, windows } = this;
    const initializer = this.#initializer;
    const aggregator = this.#aggregator;
    const merger = this.#merger;
    const sendOldValues = this.#sendOldValues;
    const onWindowClose = this.emitStrategy.emitsOnWindowClose;
    return new (class extends ForwardingProcessor<K, V, Windowed<K>, Change<VA>> {
      #store!: SessionStore<K, VA>;
      #observedStreamTime = -1;
      /** The store forwards each session's latest update at the flush. */
      #cached = false;
      #finals: FinalResultThrottle | undefined;

      override init(context: ProcessorContext<Windowed<K>, Change<VA>>): void {
        super.init(context);
        const store = sessionStoreOf<K, VA>(context as ProcessorContext<unknown, unknown>, storeName);
        this.#store = store;
        if (onWindowClose) {
          this.#finals = new FinalResultThrottle(context as ProcessorContext<unknown, unknown>, storeName);
        } else if (isCachedStore(store)) {
          // Kafka Streams' SessionCacheFlushListener: stamped with the session's end.
          this.#cached = (store as CachedStore<Windowed<K>, VA, RecordContext>).setFlushListener(
            (entry) => this.#flushed(entry),
            sendOldValues,
          );
        }
      }

      // The common record (its key's sessions named by the store's index and cached, or
      // none, a store over the task's overlay, updates forwarded by the cache) is folded
      // without a single promise; each step hands over to a continuation only when it must wait.
      process(record: StreamRecord<K, V>): void | Promise<void> {
        if (record.key === null) {
          this.context.recordDropped("a session aggregation skips records with a null key");
          return;
        }
        const key = record.key;
        const timestamp = record.timestamp;
        this.#observedStreamTime = Math.max(this.#observedStreamTime, timestamp);
        const closeTime = this.#observedStreamTime - windows.gracePeriodMs() - windows.inactivityGap();
        const gap = windows.inactivityGap();
        const store = this.#store;
        const found =
          store instanceof TypedSessionStore ? store.findSessionsNow(key, timestamp - gap, timestamp + gap) : undefined;
        if (found !== undefined) return this.#merge(record, found, closeTime);
        return collect(store.findSessions(key, timestamp - gap, timestamp + gap)).then((sessions) =>
          this.#merge(record, sessions, closeTime),
        );
      }

      /** Merges the record and the sessions it joins into one; a promise only when a step must wait. */
      #merge(
        record: StreamRecord<K, V>,
        merged: readonly KeyValue<Windowed<K>, VA>[],
        closeTime: number,
      ): Promise<void> | undefined {
        const key = record.key as K;
        const timestamp = record.timestamp;
        let start = timestamp;
        let end = timestamp;
        let aggregate = initializer();
        for (const session of merged) {
          aggregate = merger(key, aggregate, session.value);
          start = Math.min(start, session.key.window.start);
          end = Math.max(end, session.key.window.end);
        }
        if (end < closeTime) {
          this.context.recordDropped(
            `record for expired session: timestamp=[${timestamp}] window=[${start},${end}] expiration=[${closeTime}] streamTime=[${this.#observedStreamTime}]`,
          );
          return this.#maybeForwardFinalResult(record, closeTime);
        }
        // A record inside none of them opens [t, t]; otherwise each merged session is replaced.
        const removed = start !== timestamp || end !== timestamp ? merged : NONE;
        aggregate = aggregator(key, record.value as V, aggregate);
        const written = this.#replace(removed, 0, { key, window: { start, end } }, aggregate);
        if (written === undefined) return this.#maybeForwardFinalResult(record, closeTime);
        return written.then(() => this.#maybeForwardFinalResult(record, closeTime));
      }

      /** Removes the sessions of `removed` from `from` on, then puts the merged one; a promise only when a write must wait. */
      #replace(
        removed: readonly KeyValue<Windowed<K>, VA>[],
        from: number,
        merged: Windowed<K>,
        aggregate: VA,
      ): Promise<void> | undefined {
        for (let i = from; i < removed.length; i += 1) {
          const { key, value } = removed[i]!;
          const waiting = this.#write(key, null, value);
          if (waiting !== undefined) return waiting.then(() => this.#replace(removed, i + 1, merged, aggregate));
        }
        return this.#write(merged, aggregate, null);
      }

      /** Writes one session (null removes it) and forwards the update when the processor does. */
      #write(session: Windowed<K>, newValue: VA | null, oldValue: VA | null): Promise<void> | undefined {
        const store = this.#store;
        const now = store instanceof TypedSessionStore ? store.putNow(session, newValue) : false;
        if (now === true) return this.#maybeForwardUpdate(session, newValue, oldValue);
        const written = now !== false ? now : newValue === null ? store.remove(session) : store.put(session, newValue);
        return written.then(() => this.#maybeForwardUpdate(session, newValue, oldValue));
      }

      #maybeForwardUpdate(session: Windowed<K>, newValue: VA | null, oldValue: VA | null): Promise<void> | undefined {
        if (this.#finals !== undefined || this.#cached) return undefined;
        const forwarded = this.#forward(session, newValue, oldValue, this.context.recordContext().headers);
        return forwarded === FORWARDED ? undefined : forwarded;
      }

      /** Sessions end inclusively: those that end in [last emit's close time, close time - 1]. */
      #maybeForwardFinalResult(record: StreamRecord<K, V>, closeTime: number): Promise<void> | undefined {
        const finals = this.#finals;
        if (finals === undefined || !finals.shouldEmit(this.context.currentSystemTimeMs(), closeTime)) return undefined;
        return this.#forwardFinalResult(finals, record, closeTime);
      }

      async #forwardFinalResult(
        finals: FinalResultThrottle,
        record: StreamRecord<K, V>,
        closeTime: number,
      ): Promise<void> {
        const upper = closeTime - 1;
        const lower = Math.max(0, finals.lastEmitWindowCloseTime);
        // Below 0 no session has ever closed; a session may be a single point, so lower == upper is a range.
        if (upper < 0 || upper < lower) return;
        const store = this.#store as TypedSessionStore<K, VA>;
        for await (const session of store.findSessionsByEnd(lower, upper)) {
          await this.#forward(session.key, session.value, null, record.headers);
        }
        finals.emitted(closeTime);
      }

      #flushed(entry: FlushedEntry<Windowed<K>, VA, RecordContext>): Promise<void> {
        return this.#forward(entry.key, entry.newValue, entry.oldValue, entry.context.headers);
      }

      #forward(key: Windowed<K>, newValue: VA | null, oldValue: VA | null, headers: RecordHeaders): Promise<void> {
        return this.context.forward({
          key,
          value: { newValue, oldValue: sendOldValues ? oldValue : null },
          timestamp: key.window.end,
          headers,
        });
      }
    })();
  };
}
