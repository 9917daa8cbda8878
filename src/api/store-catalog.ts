// The stores the API can query, with what it needs to read them: the serdes from the
// Topology data (the runtime's StoreMetadata only names them), and how the key text of
// a request becomes a typed key.
import type { QueryableStreams, StoreMetadata } from "../runtime/streams-metadata.js";
import type { Serde, SerdeContext } from "../serdes/serde.js";
import { storeSerdeContext } from "../stores/store-serde-context.js";
import type { StoreType } from "../stores/store-type.js";
import { storeSerdeTopic } from "../topology/topology.js";
import type { TopologyData } from "../topology/topology.js";
import { StoreNotFoundError, WrongStoreTypeError } from "./errors.js";
import { defaultKeyParser } from "./key-text.js";
import type { KeyTextParser } from "./key-text.js";

export interface CatalogStore {
  readonly name: string;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly subtopology: number;
  /** Key-value, window or session (suppress()'s buffers are not queryable: they answer 400). */
  readonly type: StoreType;
  /** A window store's window size: a window's end is its start + size. */
  readonly windowSizeMs: number | undefined;
  readonly keyParser: KeyTextParser;
  /** What the key serde is told when the API reads keys: what the store tells it (store-serde-topic.ts). */
  readonly keyContext: SerdeContext;
  /** A global store: every instance holds all of it, so queries are answered where they arrive. */
  readonly global: boolean;
  /** Eddy's bookkeeping (idempotency keys and replies): admin tokens only, and only when the config allows it. */
  readonly internal: boolean;
}

export class StoreCatalog {
  readonly #stores = new Map<string, CatalogStore>();

  /** Internal stores are left out unless `internalStores` is set: they answer 404 as if absent. */
  constructor(
    topology: TopologyData,
    keyParsers: Readonly<Record<string, KeyTextParser>> = {},
    {
      internalStores = false,
      applicationId,
    }: { internalStores?: boolean; /** For the topic the serdes are told. */ applicationId?: string } = {},
  ) {
    for (const store of topology.stores.values()) {
      const internal = store.internal === true;
      if (internal && !internalStores) continue;
      this.#stores.set(store.name, {
        internal,
        global: store.global === true,
        name: store.name,
        keySerde: store.keySerde,
        valueSerde: store.valueSerde,
        subtopology: store.subtopology,
        type: store.type,
        windowSizeMs: store.type === "window" ? store.windowed?.windowSizeMs : undefined,
        keyParser: keyParsers[store.name] ?? defaultKeyParser(store.keySerde.name),
        keyContext: storeSerdeContext(
          store.name,
          "key",
          applicationId === undefined ? undefined : storeSerdeTopic(topology, applicationId, store),
        ),
      });
    }
  }

  get(name: string): CatalogStore {
    const store = this.#stores.get(name);
    if (store === undefined) throw new StoreNotFoundError(name, this.names());
    return store;
  }

  names(): string[] {
    return [...this.#stores.keys()];
  }

  /** Whether the API serves this store at all. */
  has(name: string): boolean {
    return this.#stores.has(name);
  }

  /** The runtime's metadata of a store (partition count once started); undefined when unknown. */
  static metadata(streams: QueryableStreams, name: string): StoreMetadata | undefined {
    return streams.stores().find((s) => s.name === name);
  }
}

const ROUTE_OF: Readonly<Record<StoreType, string>> = {
  keyValue: "query it with GET /stores/{store}/keys/{key} or scan GET /stores/{store}/keys",
  window: "query it with GET /stores/{store}/keys/{key}/windows?from=&to=",
  session: "query it with GET /stores/{store}/keys/{key}/sessions?from=&to=",
  buffer: "suppress()'s buffer is not queryable; query the store it suppresses",
  versioned:
    "query it with GET /stores/{store}/keys/{key} (?asOf= for the version valid then) or GET /stores/{store}/keys/{key}/versions",
};

/** A 400 naming the store's own route when a query does not fit its type. */
export function checkStoreType(store: CatalogStore, type: StoreType): void {
  if (store.type === type) return;
  throw new WrongStoreTypeError(store.name, store.type, ROUTE_OF[store.type].replaceAll("{store}", store.name));
}
