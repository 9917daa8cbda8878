// Queries of global stores (GlobalKTable, addGlobalStore): every instance holds the whole
// of such a store, so a lookup or a scan is answered where it arrives, never routed and
// never split by task. Same routes, same scopes and same answers as a partitioned store's,
// marked "global": true, without a partition or a task (there is none).
import { StoreNotQueryableError } from "../runtime/errors.js";
import type { QueryableStreams } from "../runtime/streams-metadata.js";
import type { ReadOnlyKeyValueStore } from "../stores/key-value-store.js";
import { KeyNotFoundError, UnavailableError } from "./errors.js";
import { toJsonData, toJsonText } from "./json-value.js";
import { encodeCursor } from "./key-order.js";
import { isClosedStore, scanView } from "./local-store-reader.js";
import type { ScanBounds } from "./local-store-reader.js";
import type { QueryAnswer } from "./query-service.js";
import type { CatalogStore } from "./store-catalog.js";

/** Seconds a client should wait before asking again while the global stores restore. */
const RETRY_AFTER_SECONDS = 1;

export async function globalLookup(
  streams: QueryableStreams,
  store: CatalogStore,
  keyText: string,
  key: unknown,
): Promise<QueryAnswer & { found: boolean }> {
  const view = globalView(streams, store);
  const value = await read(store, () => view.get(key));
  const servedBy = streams.applicationServer;
  if (value === undefined) {
    const error = new KeyNotFoundError(store.name, keyText, servedBy);
    return { statusCode: 404, body: JSON.stringify({ ...error.toBody(), stale: false }), servedBy, found: false };
  }
  const body =
    `{"store":${JSON.stringify(store.name)},"key":${toJsonText(key, store.keySerde.name)},` +
    `"value":${toJsonText(value, store.valueSerde.name)},"global":true,"stale":false}`;
  return { statusCode: 200, body, servedBy, found: true };
}

export async function globalScan(
  streams: QueryableStreams,
  store: CatalogStore,
  bounds: ScanBounds,
  limit: number,
): Promise<QueryAnswer & { stale: boolean }> {
  const view = globalView(streams, store);
  const page = await read(store, () => scanView(store, view, bounds, limit));
  const last = page.entries[page.entries.length - 1]?.keyBytes;
  const body = JSON.stringify({
    store: store.name,
    entries: page.entries.map((e) => ({
      key: toJsonData(e.key, store.keySerde.name),
      value: toJsonData(e.value, store.valueSerde.name),
    })),
    nextCursor: page.truncated && last !== undefined ? encodeCursor(last) : null,
    global: true,
    stale: false,
  });
  return { statusCode: 200, body, servedBy: streams.applicationServer, stale: false };
}

function globalView(streams: QueryableStreams, store: CatalogStore): ReadOnlyKeyValueStore<unknown, unknown> {
  try {
    return streams.globalStore(store.name);
  } catch (error) {
    if (error instanceof StoreNotQueryableError) throw unavailable(store, error.message);
    throw error;
  }
}

/** The global stores close with the instance: a read that meets a closed store is a 503, not a 500. */
async function read<T>(store: CatalogStore, reading: () => Promise<T>): Promise<T> {
  try {
    return await reading();
  } catch (error) {
    if (isClosedStore(error))
      throw unavailable(store, `Global store "${store.name}" is closed: the instance is stopping`);
    throw error;
  }
}

function unavailable(store: CatalogStore, why: string): UnavailableError {
  return new UnavailableError(`${why}; retry shortly`, RETRY_AFTER_SECONDS, { store: store.name, global: true });
}
