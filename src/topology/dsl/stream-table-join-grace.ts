// A stream-table join's grace period (KIP-923, Joined.withGracePeriod): the checks Kafka
// Streams makes (the table must be versioned, its history retention at least the grace)
// and the buffer store it adds, named `<join name>-Buffer`, connected to the join.
import type { InternalTopologyBuilder } from "../internal-topology-builder.js";
import { InvalidOperationError } from "../errors.js";
import { Serdes } from "../../serdes/serdes.js";
import type { Serde } from "../../serdes/serde.js";
import type { TableState } from "./dsl-state.js";
import { TableSourceSupplier } from "./processors/ktable-source.js";
import type { ValueGetterSupplier } from "./processors/value-getter.js";
import type { StreamTableJoinGrace } from "./processors/kstream-ktable-join.js";

export const NOT_VERSIONED_MESSAGE = "KTable must be versioned to use a grace period in a stream table join.";
export const RETENTION_BELOW_GRACE_MESSAGE = "History retention must be at least grace period.";

/**
 * The grace of a join named `name` against `table`, or undefined without one. A table read
 * straight from its source must be versioned at once; one derived from it (filter,
 * mapValues...) is checked when the topology is built, as Kafka Streams checks it.
 */
export function streamTableJoinGrace<K, V, VT>(
  builder: InternalTopologyBuilder,
  name: string,
  table: TableState<K, VT>,
  view: ValueGetterSupplier<K, VT>,
  gracePeriodMs: number | undefined,
  keySerde: Serde<K> | undefined,
  valueSerde: Serde<V> | undefined,
): StreamTableJoinGrace<K, V> | undefined {
  if (gracePeriodMs === undefined) return undefined;
  if (!Number.isSafeInteger(gracePeriodMs) || gracePeriodMs < 0) {
    throw new InvalidOperationError(`gracePeriod must be a whole number of milliseconds >= 0, got ${gracePeriodMs}`);
  }
  if (table.supplier instanceof TableSourceSupplier && table.supplier.versioned === undefined) {
    throw new InvalidOperationError(NOT_VERSIONED_MESSAGE);
  }
  builder.onBuild(() => {
    if (view.versioned === undefined) throw new InvalidOperationError(NOT_VERSIONED_MESSAGE);
    if (view.versioned.historyRetentionMs < gracePeriodMs)
      throw new InvalidOperationError(RETENTION_BELOW_GRACE_MESSAGE);
  });
  const bufferStore = `${name}-Buffer`;
  // The buffer lays its rows out itself (stream-join-buffer.ts): the store holds bytes.
  builder.addStore({
    name: bufferStore,
    keySerde: Serdes.bytes() as Serde<unknown>,
    valueSerde: Serdes.bytes() as Serde<unknown>,
    // Kafka Streams' RocksDBTimeOrderedKeyValueBuffer: persistent, whatever the DSL's default store.
    persistent: true,
    serdeHint: "pass { {part}: <serde> } to join()",
  });
  return { gracePeriodMs, bufferStore, serdeTopic: name, keySerde, valueSerde };
}
