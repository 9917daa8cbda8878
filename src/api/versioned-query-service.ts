// Versioned store queries of one key (Kafka Streams' VersionedKeyQuery and
// MultiVersionedKeyQuery over HTTP): the latest version or the one valid at a time, and
// a key's versions in a time range, one page at a time. Routed to the key's owner as
// point lookups are (key-routing.ts): same forwarding, staleness and read-your-writes.
import type { KeyQueryMetadata, QueryableStreams } from "../runtime/streams-metadata.js";
import type { TaskId } from "../engine/task-id.js";
import type { VersionedRecord } from "../stores/versioned-key-value-store.js";
import type { ApiMetrics } from "./api-metrics.js";
import { InvalidTimeRangeError } from "./errors.js";
import { toJsonText } from "./json-value.js";
import { KeyRouter, notFoundAnswer, observedQuery, routedQueryParams } from "./key-routing.js";
import type { KeyRead, LookupOptions, QueryAnswer, RoutedAnswer, TaskRead } from "./key-routing.js";
import { parseKeyText } from "./key-text.js";
import type { LocalStoreReader } from "./local-store-reader.js";
import type { PeerClient } from "./peer-client.js";
import { checkStoreType } from "./store-catalog.js";
import type { CatalogStore, StoreCatalog } from "./store-catalog.js";
import { TIME_MAX, parseTimeText } from "./window-query-schemas.js";
import type { VersionsQueryText } from "./versioned-query-schemas.js";

export interface VersionedQueryServiceOptions {
  readonly streams: QueryableStreams;
  readonly catalog: StoreCatalog;
  readonly reader: LocalStoreReader;
  readonly peers: PeerClient;
  readonly metrics: ApiMetrics;
}

interface Page {
  readonly items: VersionedRecord<unknown>[];
  readonly more: boolean;
}

const CURSOR = /^\d{1,16}$/;

export class VersionedQueryService {
  readonly #streams: QueryableStreams;
  readonly #catalog: StoreCatalog;
  readonly #reader: LocalStoreReader;
  readonly #metrics: ApiMetrics;
  readonly #router: KeyRouter;

  constructor(options: VersionedQueryServiceOptions) {
    this.#streams = options.streams;
    this.#catalog = options.catalog;
    this.#reader = options.reader;
    this.#metrics = options.metrics;
    this.#router = new KeyRouter(options.streams, options.peers);
  }

  /** The version of a key valid at `asOf` (epoch ms, or ISO text), or its latest without one. */
  get(storeName: string, keyText: string, asOf: string | undefined, options: LookupOptions): Promise<QueryAnswer> {
    return observedQuery(this.#metrics, storeName, "get", () => {
      const store = this.#catalog.get(storeName);
      checkStoreType(store, "versioned");
      return this.lookup(
        store,
        keyText,
        asOf === undefined ? undefined : parseTimeText(store.name, "asOf", asOf),
        options,
      );
    });
  }

  /** A versioned store's point lookup, for a caller that observes it (QueryService's lookups). */
  lookup(
    store: CatalogStore,
    keyText: string,
    asOf: number | undefined,
    options: LookupOptions,
  ): Promise<RoutedAnswer> {
    const key = parseKeyText(store.name, store.keySerde.name, store.keyParser, keyText);
    const read: KeyRead<VersionedRecord<unknown> | null> = {
      store,
      key,
      local: (taskId, allowStale) =>
        this.#reader.read(
          taskId,
          allowStale,
          (stale) => this.#streams.versionedStore<unknown, unknown>(store.name, taskId, { allowStale: stale }),
          (view) => (asOf === undefined ? view.get(key) : view.get(key, asOf)),
        ),
      answer: (meta, found) => this.#lookupAnswer(store, keyText, key, meta, found),
      path: (routed) => {
        const query = routedQueryParams(routed);
        if (asOf !== undefined) query.set("asOf", String(asOf));
        const text = query.toString();
        return `${keyPath(store, keyText)}${text === "" ? "" : `?${text}`}`;
      },
    };
    return Promise.resolve(this.#router.route(read, options));
  }

  /** A key's versions valid at some time in [from, to], newest first (or oldest first with order=asc). */
  versions(storeName: string, keyText: string, query: VersionsQueryText, options: LookupOptions): Promise<QueryAnswer> {
    return observedQuery(this.#metrics, storeName, "versions", () => {
      const store = this.#catalog.get(storeName);
      checkStoreType(store, "versioned");
      const key = parseKeyText(store.name, store.keySerde.name, store.keyParser, keyText);
      const from = query.from === undefined ? 0 : parseTimeText(store.name, "from", query.from);
      const to = query.to === undefined ? TIME_MAX : parseTimeText(store.name, "to", query.to);
      if (from > to) throw new InvalidTimeRangeError(store.name, `from (${from}) is after to (${to})`);
      // The cursor is the timestamp of the last version the previous page returned.
      const after = query.cursor === undefined ? undefined : cursorOf(store.name, query.cursor);
      const asc = query.order === "asc";
      const fromTime = after !== undefined && asc ? Math.max(from, after) : from;
      const toTime = after !== undefined && !asc ? Math.min(to, after - 1) : to;
      const read: KeyRead<Page> = {
        store,
        key,
        local: (taskId: TaskId, allowStale: boolean): Promise<TaskRead<Page> | undefined> =>
          this.#reader.read(
            taskId,
            allowStale,
            (stale) => this.#streams.versionedStore<unknown, unknown>(store.name, taskId, { allowStale: stale }),
            (view) =>
              fromTime > toTime
                ? Promise.resolve({ items: [], more: false })
                : pageOf(view.versions(key, { fromTime, toTime, order: query.order }), query.limit, (record) =>
                    asc && after !== undefined ? record.timestamp <= after : false,
                  ),
          ),
        answer: (meta, page) => this.#versionsAnswer(store, key, meta, page),
        path: (routed) => {
          const params = routedQueryParams(routed);
          params.set("from", String(from));
          params.set("to", String(to));
          params.set("order", query.order);
          params.set("limit", String(query.limit));
          if (query.cursor !== undefined) params.set("cursor", query.cursor);
          return `${keyPath(store, keyText)}/versions?${params}`;
        },
      };
      return this.#router.route(read, options);
    });
  }

  #lookupAnswer(
    store: CatalogStore,
    keyText: string,
    key: unknown,
    meta: KeyQueryMetadata,
    read: TaskRead<VersionedRecord<unknown> | null>,
  ): RoutedAnswer {
    const servedBy = this.#streams.applicationServer;
    if (read.value === null) return notFoundAnswer(store.name, keyText, servedBy, read.stale);
    const body =
      `{"store":${JSON.stringify(store.name)},"key":${toJsonText(key, store.keySerde.name)},` +
      `${versionFields(store, read.value)},"partition":${meta.partition},"taskId":"${meta.taskId}","stale":${read.stale}}`;
    return { statusCode: 200, body, servedBy, outcome: read.stale ? "stale" : "local" };
  }

  #versionsAnswer(store: CatalogStore, key: unknown, meta: KeyQueryMetadata, read: TaskRead<Page>): RoutedAnswer {
    const { items, more } = read.value;
    const last = items[items.length - 1];
    const next = more && last !== undefined ? JSON.stringify(String(last.timestamp)) : "null";
    const body =
      `{"store":${JSON.stringify(store.name)},"key":${toJsonText(key, store.keySerde.name)},` +
      `"versions":[${items.map((record) => `{${versionFields(store, record)}}`).join(",")}],` +
      `"partition":${meta.partition},"taskId":"${meta.taskId}","stale":${read.stale},"nextCursor":${next}}`;
    return {
      statusCode: 200,
      body,
      servedBy: this.#streams.applicationServer,
      outcome: read.stale ? "stale" : "local",
    };
  }
}

function keyPath(store: CatalogStore, keyText: string): string {
  return `/stores/${encodeURIComponent(store.name)}/keys/${encodeURIComponent(keyText)}`;
}

function versionFields(store: CatalogStore, record: VersionedRecord<unknown>): string {
  return (
    `"value":${toJsonText(record.value, store.valueSerde.name)},"timestamp":${record.timestamp},` +
    `"validTo":${record.validTo ?? "null"}`
  );
}

/** Reads at most `limit` versions (and one more, to know there are more); the iterator is closed early. */
async function pageOf(
  versions: AsyncIterableIterator<VersionedRecord<unknown>>,
  limit: number,
  skip: (record: VersionedRecord<unknown>) => boolean,
): Promise<Page> {
  const items: VersionedRecord<unknown>[] = [];
  for await (const record of versions) {
    if (skip(record)) continue;
    if (items.length === limit) return { items, more: true };
    items.push(record);
  }
  return { items, more: false };
}

function cursorOf(store: string, cursor: string): number {
  if (!CURSOR.test(cursor))
    throw new InvalidTimeRangeError(
      store,
      `the cursor ${JSON.stringify(cursor)} is not one this API returned; start again without it`,
    );
  return Number(cursor);
}
