// KTable.suppress() as Kafka Streams' KTableImpl.suppress builds it: the processor's name
// (the user's, or KTABLE-SUPPRESS-<n>), then its buffer store's (`<name>-store`, or
// KTABLE-SUPPRESS-STATE-STORE-<n+1>), an in-memory buffer changelogged unless the buffer
// config turns logging off. The buffer is Eddy's bookkeeping, not application state: internal,
// so the HTTP API serves it only where the config lets it serve internal stores.
import type { TableState } from "./dsl-state.js";
import { anySerde } from "./dsl-state.js";
import { NodePrefix } from "../node-names.js";
import type { ProcessorSupplier } from "../processor.js";
import { TableSuppressSupplier } from "./processors/ktable-suppress.js";
import type { Suppressed } from "./suppressed.js";
import { findWindowGrace } from "./window-grace.js";

export function suppressTable<K, V>(state: TableState<K, V>, suppressed: Suppressed<K>): TableState<K, V> {
  const builder = state.builder;
  const name = suppressed.name ?? builder.newProcessorName(NodePrefix.TABLE_SUPPRESS);
  const finalResults = suppressed.kind === "windowCloses";
  const durationMs = finalResults ? findWindowGrace(builder, state.name) : suppressed.timeToWaitForMoreEventsMs;
  const store =
    suppressed.name !== undefined ? `${suppressed.name}-store` : builder.newStoreName(NodePrefix.TABLE_SUPPRESS);
  const config = suppressed.bufferConfig;
  const supplier = new TableSuppressSupplier<K, V>(state.supplier, store, {
    nodeName: name,
    windowEndTime: finalResults,
    durationMs,
    recordLimit: config.recordLimit,
    byteLimit: config.byteLimit,
    fullStrategy: config.fullStrategy,
    dropTombstones: finalResults,
  });
  builder.addProcessor({
    name,
    operation: "suppress",
    supplier: supplier.supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>,
    parents: [state.name],
  });
  builder.addStore({
    name: store,
    type: "buffer",
    timestamped: false,
    caching: false,
    persistent: false,
    logging: config.loggingEnabled,
    internal: true,
    keySerde: anySerde(state.keySerde),
    valueSerde: anySerde(state.valueSerde),
    serdeHint:
      "suppress() buffers the table's keys and values with its serdes: give the table's {part} serde where it is made",
  });
  builder.connectStores(name, [store]);
  return {
    builder,
    name,
    keySerde: state.keySerde,
    valueSerde: state.valueSerde,
    sourceNodes: state.sourceNodes,
    supplier,
    queryableStoreName: undefined,
  };
}
