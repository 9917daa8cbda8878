// A stream joined with a table (KStreamKTableJoin: the table's current value for the
// record's key; co-partitioned) or with a global table (KStreamGlobalKTableJoin: the row
// for a key computed from the record; every instance has the whole table).
import { InvalidOperationError } from "../errors.js";
import { NodePrefix } from "../node-names.js";
import type { ProcessorSupplier } from "../processor.js";
import type { Named } from "./dsl-options.js";
import type { StreamState, TableState } from "./dsl-state.js";
import { GlobalKTable } from "./global-ktable.js";
import { markNullKeyRelaxedJoin } from "./null-key-relaxed-joins.js";
import { streamGlobalTableJoinSupplier } from "./processors/kstream-global-ktable-join.js";
import { streamTableJoinSupplier } from "./processors/kstream-ktable-join.js";
import { streamTableJoinGrace } from "./stream-table-join-grace.js";

type AnySupplier = ProcessorSupplier<unknown, unknown, unknown, unknown>;

/** Adds the join of `state` (already repartitioned if its key changed) with the table; the joined stream's state. */
export function addStreamTableJoin<K, V, VT, VR>(
  state: StreamState<K, V>,
  tableState: TableState<K, VT>,
  joiner: (value: V, tableValue: VT | null, key: K) => VR,
  leftJoin: boolean,
  userName: string | undefined,
  gracePeriodMs: number | undefined,
): StreamState<K, VR> {
  const builder = state.builder;
  const sourceNodes = new Set([...state.sourceNodes, ...tableState.sourceNodes]);
  const name = builder.nameOr(leftJoin ? NodePrefix.LEFTJOIN : NodePrefix.JOIN, userName);
  builder.addCopartitionGroup(name, sourceNodes);
  const view = tableState.supplier.view();
  const grace = streamTableJoinGrace(builder, name, tableState, view, gracePeriodMs, state.keySerde, state.valueSerde);
  builder.addProcessor({
    name,
    operation: leftJoin ? "leftJoin" : "join",
    supplier: streamTableJoinSupplier(view, joiner, leftJoin, grace) as AnySupplier,
    parents: [state.name],
    stores: grace === undefined ? view.storeNames : [...view.storeNames, grace.bufferStore],
  });
  if (leftJoin) markNullKeyRelaxedJoin(builder, name);
  return {
    builder,
    name,
    keySerde: state.keySerde,
    valueSerde: undefined,
    sourceNodes,
    repartitionRequired: false,
  };
}

/** Adds the join of `state` with the global table; the joined stream's state. */
export function addStreamGlobalTableJoin<K, V, KG, VG, VR>(
  state: StreamState<K, V>,
  table: GlobalKTable<KG, VG>,
  keySelector: (key: K, value: V) => KG | null | undefined,
  joiner: (value: V, globalValue: VG | null, key: K) => VR,
  leftJoin: boolean,
  options: Named | undefined,
): StreamState<K, VR> {
  if (GlobalKTable.stateOf(table).builder !== state.builder) {
    throw new InvalidOperationError(
      `${leftJoin ? "leftJoin" : "join"}() needs a global table of the same StreamsBuilder`,
    );
  }
  const name = state.builder.nameOr(leftJoin ? NodePrefix.LEFTJOIN : NodePrefix.JOIN, options?.name);
  state.builder.addProcessor({
    name,
    operation: leftJoin ? "leftJoin" : "join",
    supplier: streamGlobalTableJoinSupplier(
      GlobalKTable.valueGetterOf(table),
      keySelector,
      joiner,
      leftJoin,
    ) as AnySupplier,
    parents: [state.name],
  });
  if (leftJoin) markNullKeyRelaxedJoin(state.builder, name);
  return {
    builder: state.builder,
    name,
    keySerde: state.keySerde,
    valueSerde: undefined,
    sourceNodes: state.sourceNodes,
    repartitionRequired: state.repartitionRequired,
  };
}
