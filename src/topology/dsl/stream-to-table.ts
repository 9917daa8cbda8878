// KStream.toTable(): the stream read as a table (the latest value per key; a null value
// deletes), through a repartition topic first when the key changed upstream, as Kafka
// Streams' KStreamImpl.toTable builds it.
import type { ProcessorSupplier } from "../processor.js";
import { NodePrefix } from "../node-names.js";
import type { ToTableOptions } from "./dsl-options.js";
import { anySerde } from "./dsl-state.js";
import type { StreamState, TableState } from "./dsl-state.js";
import { TableSourceSupplier } from "./processors/ktable-source.js";
import { addRepartition, repartitionNames } from "./repartition.js";

type AnySupplier = ProcessorSupplier<unknown, unknown, unknown, unknown>;

/** Adds the table's node and store after `state`'s stream; the table's state. */
export function addStreamToTable<K, V>(state: StreamState<K, V>, options?: ToTableOptions<K, V>): TableState<K, V> {
  const builder = state.builder;
  const name = builder.nameOr(NodePrefix.TO_KTABLE, options?.name);
  const storeName = options?.store ?? builder.newStoreName(NodePrefix.TO_KTABLE);
  const keySerde = options?.key ?? state.keySerde;
  const valueSerde = options?.value ?? state.valueSerde;
  let parent = state.name;
  let sourceNodes = state.sourceNodes;
  if (state.repartitionRequired) {
    parent = addRepartition(builder, repartitionNames(builder, name), {
      parent: state.name,
      keySerde,
      valueSerde,
      serdeOrigin: "toTable()",
    });
    sourceNodes = new Set([parent]);
  }
  builder.addStore({
    name: storeName,
    timestamped: true,
    caching: options?.caching ?? true,
    keySerde: anySerde(keySerde),
    valueSerde: anySerde(valueSerde),
    ...(options?.persistent !== undefined ? { persistent: options.persistent } : {}),
    ...(options?.logging !== undefined ? { logging: options.logging } : {}),
    serdeHint: "pass { {part}: <serde> } to toTable()",
  });
  const supplier = new TableSourceSupplier<K, V>(storeName, false, () => builder.connectStores(name, [storeName]));
  builder.addProcessor({
    name,
    operation: "toTable",
    supplier: supplier.supplier as AnySupplier,
    parents: [parent],
  });
  if (options?.store !== undefined) supplier.materialize();
  return {
    builder,
    name,
    keySerde,
    valueSerde,
    sourceNodes,
    supplier,
    queryableStoreName: options?.store,
  };
}
