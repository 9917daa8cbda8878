// The store a table operation materializes into when its options name one (Kafka Streams'
// Materialized on filter, mapValues, transformValues and joins): timestamped, behind the
// record cache unless told not to, connected to the operation's node.
import type { MaterializedOptions } from "./dsl-options.js";
import { anySerde } from "./dsl-state.js";
import type { InternalTopologyBuilder } from "../internal-topology-builder.js";
import type { Serde } from "../../serdes/serde.js";

/** Adds store `store` for node `node`; `operation` names the call that should be given a missing serde. */
export function addTableStore<K, V>(
  builder: InternalTopologyBuilder,
  store: string,
  node: string,
  keySerde: Serde<K> | undefined,
  valueSerde: Serde<V> | undefined,
  options: MaterializedOptions | undefined,
  operation: string,
): void {
  builder.addStore({
    name: store,
    timestamped: true,
    caching: options?.caching ?? true,
    keySerde: anySerde(keySerde),
    valueSerde: anySerde(valueSerde),
    ...(options?.persistent !== undefined ? { persistent: options.persistent } : {}),
    ...(options?.logging !== undefined ? { logging: options.logging } : {}),
    serdeHint: `pass { {part}: <serde> } to ${operation}()`,
  });
  builder.connectStores(node, [store]);
}
