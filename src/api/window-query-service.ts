// Window and session queries of one key (Kafka Streams' ReadOnlyWindowStore.fetch /
// backwardFetch and ReadOnlySessionStore.findSessions over HTTP), routed to the key's
// owner as point lookups are (key-routing.ts): same forwarding, staleness and
// read-your-writes. A page holds at most `limit` windows and is read lazily from the
// store, so an unbounded range costs one page of memory; nextCursor continues it.
import type { KeyQueryMetadata, QueryableStreams } from "../runtime/streams-metadata.js";
import type { TaskId } from "../engine/task-id.js";
import type { KeyValue } from "../stores/key-value-store.js";
import type { Windowed } from "../serdes/windowed.js";
import type { ApiMetrics } from "./api-metrics.js";
import { InvalidTimeRangeError } from "./errors.js";
import { toJsonText } from "./json-value.js";
import { KeyRouter, observedQuery, routedQueryParams } from "./key-routing.js";
import type { KeyRead, LookupOptions, QueryAnswer, RoutedAnswer, TaskRead } from "./key-routing.js";
import { parseKeyText } from "./key-text.js";
import type { LocalStoreReader } from "./local-store-reader.js";
import type { PeerClient } from "./peer-client.js";
import { checkStoreType } from "./store-catalog.js";
import type { CatalogStore, StoreCatalog } from "./store-catalog.js";
import { TIME_MAX, parseTimeText } from "./window-query-schemas.js";
import type { SessionsQuery, WindowsQuery } from "./window-query-schemas.js";

export interface WindowQueryServiceOptions {
  readonly streams: QueryableStreams;
  readonly catalog: StoreCatalog;
  readonly reader: LocalStoreReader;
  readonly peers: PeerClient;
  readonly metrics: ApiMetrics;
}

interface TimedValue {
  readonly start: number;
  readonly end: number;
  readonly value: unknown;
}

interface Page {
  readonly items: TimedValue[];
  readonly more: boolean;
}

const CURSOR = /^(\d{1,16})(?:\.(\d{1,16}))?$/;

export class WindowQueryService {
  readonly #streams: QueryableStreams;
  readonly #catalog: StoreCatalog;
  readonly #reader: LocalStoreReader;
  readonly #metrics: ApiMetrics;
  readonly #router: KeyRouter;

  constructor(options: WindowQueryServiceOptions) {
    this.#streams = options.streams;
    this.#catalog = options.catalog;
    this.#reader = options.reader;
    this.#metrics = options.metrics;
    this.#router = new KeyRouter(options.streams, options.peers);
  }

  /** A key's windows that start in [from, to], oldest first (or newest first with order=desc). */
  async windows(storeName: string, keyText: string, query: WindowsQuery, options: LookupOptions): Promise<QueryAnswer> {
    return observedQuery(this.#metrics, storeName, "windows", () => {
      const store = this.#catalog.get(storeName);
      checkStoreType(store, "window");
      const key = parseKeyText(store.name, store.keySerde.name, store.keyParser, keyText);
      const { from, to } = this.#range(store, query);
      const [start] = query.cursor === undefined ? [] : cursorOf(store.name, query.cursor);
      // The cursor is the last start the previous page returned.
      const low = start !== undefined && query.order === "asc" ? Math.max(from, start + 1) : from;
      const high = start !== undefined && query.order === "desc" ? Math.min(to, start - 1) : to;
      const size = store.windowSizeMs ?? 0;
      const read = (taskId: TaskId, allowStale: boolean) =>
        this.#reader.read(
          taskId,
          allowStale,
          (stale) => this.#streams.windowStore<unknown, unknown>(store.name, taskId, { allowStale: stale }),
          (view): Promise<Page> =>
            low > high
              ? Promise.resolve({ items: [], more: false })
              : pageOf(
                  query.order === "asc" ? view.fetch(key, low, high) : view.backwardFetch(key, low, high),
                  query.limit,
                  (entry: KeyValue<number, unknown>) => ({
                    start: entry.key,
                    end: entry.key + size,
                    value: entry.value,
                  }),
                ),
        );
      return this.#router.route(
        this.#keyRead(store, keyText, key, "windows", read, (last) => String(last.start), {
          from: String(from),
          to: String(to),
          order: query.order,
          limit: String(query.limit),
          ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
        }),
        options,
      );
    });
  }

  /** A key's sessions that end at or after `from` and start at or before `to`, by end. */
  async sessions(
    storeName: string,
    keyText: string,
    query: SessionsQuery,
    options: LookupOptions,
  ): Promise<QueryAnswer> {
    return observedQuery(this.#metrics, storeName, "sessions", () => {
      const store = this.#catalog.get(storeName);
      checkStoreType(store, "session");
      const key = parseKeyText(store.name, store.keySerde.name, store.keyParser, keyText);
      const { from, to } = this.#range(store, query);
      // The cursor is the last session the previous page returned: end, then start.
      const after = query.cursor === undefined ? undefined : cursorOf(store.name, query.cursor);
      const afterEnd = after?.[0] ?? -1;
      const afterStart = after?.[1] ?? -1;
      const read = (taskId: TaskId, allowStale: boolean) =>
        this.#reader.read(
          taskId,
          allowStale,
          (stale) => this.#streams.sessionStore<unknown, unknown>(store.name, taskId, { allowStale: stale }),
          (view): Promise<Page> =>
            pageOf(
              view.findSessions(key, Math.max(from, afterEnd), to),
              query.limit,
              (entry: KeyValue<Windowed<unknown>, unknown>) => ({ ...entry.key.window, value: entry.value }),
              (item) => item.end < afterEnd || (item.end === afterEnd && item.start <= afterStart),
            ),
        );
      return this.#router.route(
        this.#keyRead(store, keyText, key, "sessions", read, (last) => `${last.end}.${last.start}`, {
          from: String(from),
          to: String(to),
          limit: String(query.limit),
          ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
        }),
        options,
      );
    });
  }

  #range(
    store: CatalogStore,
    query: { from?: string | undefined; to?: string | undefined },
  ): { from: number; to: number } {
    const from = query.from === undefined ? 0 : parseTimeText(store.name, "from", query.from);
    const to = query.to === undefined ? TIME_MAX : parseTimeText(store.name, "to", query.to);
    if (from > to) throw new InvalidTimeRangeError(store.name, `from (${from}) is after to (${to})`);
    return { from, to };
  }

  #keyRead(
    store: CatalogStore,
    keyText: string,
    key: unknown,
    list: "windows" | "sessions",
    local: (taskId: TaskId, allowStale: boolean) => Promise<TaskRead<Page> | undefined>,
    cursor: (last: TimedValue) => string,
    params: Record<string, string>,
  ): KeyRead<Page> {
    return {
      store,
      key,
      local,
      answer: (meta, read) => this.#answer(store, key, list, meta, read, cursor),
      path: (options) => {
        const query = routedQueryParams(options);
        for (const [name, value] of Object.entries(params)) query.set(name, value);
        return `/stores/${encodeURIComponent(store.name)}/keys/${encodeURIComponent(keyText)}/${list}?${query}`;
      },
    };
  }

  #answer(
    store: CatalogStore,
    key: unknown,
    list: "windows" | "sessions",
    meta: KeyQueryMetadata,
    read: TaskRead<Page>,
    cursor: (last: TimedValue) => string,
  ): RoutedAnswer {
    const { items, more } = read.value;
    const entries = items
      .map((w) => `{"start":${w.start},"end":${w.end},"value":${toJsonText(w.value, store.valueSerde.name)}}`)
      .join(",");
    const last = items[items.length - 1];
    const next = more && last !== undefined ? JSON.stringify(cursor(last)) : "null";
    const body =
      `{"store":${JSON.stringify(store.name)},"key":${toJsonText(key, store.keySerde.name)},"${list}":[${entries}],` +
      `"partition":${meta.partition},"taskId":"${meta.taskId}","stale":${read.stale},"nextCursor":${next}}`;
    return {
      statusCode: 200,
      body,
      servedBy: this.#streams.applicationServer,
      outcome: read.stale ? "stale" : "local",
    };
  }
}

/** Reads at most `limit` items (and one more, to know there are more); the iterator is closed early. */
async function pageOf<E>(
  entries: AsyncIterableIterator<E>,
  limit: number,
  toItem: (entry: E) => TimedValue,
  skip?: (item: TimedValue) => boolean,
): Promise<Page> {
  const items: TimedValue[] = [];
  for await (const entry of entries) {
    const item = toItem(entry);
    if (skip?.(item) === true) continue;
    if (items.length === limit) return { items, more: true };
    items.push(item);
  }
  return { items, more: false };
}

function cursorOf(store: string, cursor: string): [number, number | undefined] {
  const match = CURSOR.exec(cursor);
  if (match === null)
    throw new InvalidTimeRangeError(
      store,
      `the cursor ${JSON.stringify(cursor)} is not one this API returned; start again without it`,
    );
  return [Number(match[1]), match[2] === undefined ? undefined : Number(match[2])];
}
