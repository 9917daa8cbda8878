// windowedBy(SessionWindows).count / reduce / aggregate: Kafka Streams'
// KStreamSessionWindowAggregate. A record opens the session [t, t] or joins the sessions
// of its key within the inactivity gap, which are merged (merger) into one: each merged
// session is removed and forwarded as a delete, then the new session forwarded, stamped
// with its end (through the record cache when the store is cached: a session's updates
// fold until the flush). A record whose merged session ended before stream time - gap -
// grace is late: dropped and counted. Emitting on window close, nothing goes downstream
// until sessions close: then every session that closed since the last emit leaves once,
// by end, then start, then key, stamped with its end.
import type { Window, Windowed } from "../../../serdes/windowed.js";
import type { CachedStore, FlushedEntry } from "../../../stores/cached-store.js";
import { isCachedStore } from "../../../stores/cached-store.js";
import type { KeyValue } from "../../../stores/key-value-store.js";
import type { SessionStore, TypedSessionStore } from "../../../stores/session-store.js";
import type { RecordHeaders } from "../../headers.js";
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

      async process(record: StreamRecord<K, V>): Promise<void> {
        if (record.key === null) {
          this.context.recordDropped("a session aggregation skips records with a null key");
          return;
        }
        const key = record.key;
        const timestamp = record.timestamp;
        this.#observedStreamTime = Math.max(this.#observedStreamTime, timestamp);
        const closeTime = this.#observedStreamTime - windows.gracePeriodMs() - windows.inactivityGap();
        const gap = windows.inactivityGap();
        const merged: KeyValue<Windowed<K>, VA>[] = [];
        let window: Window = { start: timestamp, end: timestamp };
        let aggregate = initializer();
        for await (const session of this.#store.findSessions(key, timestamp - gap, timestamp + gap)) {
          merged.push(session);
          aggregate = merger(key, aggregate, session.value);
          window = {
            start: Math.min(window.start, session.key.window.start),
            end: Math.max(window.end, session.key.window.end),
          };
        }
        if (window.end < closeTime) {
          this.context.recordDropped(
            `record for expired session: timestamp=[${timestamp}] window=[${window.start},${window.end}] expiration=[${closeTime}] streamTime=[${this.#observedStreamTime}]`,
          );
        } else {
          if (window.start !== timestamp || window.end !== timestamp) {
            for (const session of merged) {
              await this.#store.remove(session.key);
              await this.#maybeForwardUpdate(session.key, null, session.value);
            }
          }
          aggregate = aggregator(key, record.value as V, aggregate);
          const sessionKey: Windowed<K> = { key, window };
          await this.#store.put(sessionKey, aggregate);
          await this.#maybeForwardUpdate(sessionKey, aggregate, null);
        }
        await this.#maybeForwardFinalResult(record, closeTime);
      }

      async #maybeForwardUpdate(key: Windowed<K>, newValue: VA | null, oldValue: VA | null): Promise<void> {
        if (this.#finals !== undefined || this.#cached) return;
        await this.#forward(key, newValue, oldValue, this.context.recordContext().headers);
      }

      /** Sessions end inclusively: those that end in [last emit's close time, close time - 1]. */
      async #maybeForwardFinalResult(record: StreamRecord<K, V>, closeTime: number): Promise<void> {
        const finals = this.#finals;
        if (finals === undefined || !finals.shouldEmit(this.context.currentSystemTimeMs(), closeTime)) return;
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
