// The stores the API can query, with what it needs to read them: the serdes from the
// Topology data (the runtime's StoreMetadata only names them), and how the key text of
// a request becomes a typed key.
import type { QueryableStreams, StoreMetadata } from "../runtime/streams-metadata.js";
import type { Serde } from "../serdes/serde.js";
import type { TopologyData } from "../topology/topology.js";
import { StoreNotFoundError } from "./errors.js";
import { defaultKeyParser } from "./key-text.js";
import type { KeyTextParser } from "./key-text.js";

export interface CatalogStore {
  readonly name: string;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly subtopology: number;
  readonly keyParser: KeyTextParser;
}

export class StoreCatalog {
  readonly #stores = new Map<string, CatalogStore>();

  constructor(topology: TopologyData, keyParsers: Readonly<Record<string, KeyTextParser>> = {}) {
    for (const store of topology.stores.values()) {
      this.#stores.set(store.name, {
        name: store.name,
        keySerde: store.keySerde,
        valueSerde: store.valueSerde,
        subtopology: store.subtopology,
        keyParser: keyParsers[store.name] ?? defaultKeyParser(store.keySerde.name),
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

  /** The runtime's metadata of a store (partition count once started); undefined when unknown. */
  static metadata(streams: QueryableStreams, name: string): StoreMetadata | undefined {
    return streams.stores().find((s) => s.name === name);
  }
}
