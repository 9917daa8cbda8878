// KTable-KTable joins on the primary key (join, leftJoin, outerJoin) as Kafka Streams'
// KTableImpl.doJoin builds them: a node on each side (<name>-join-this, <name>-join-other,
// or KTABLE-JOINTHIS-<n> and KTABLE-JOINOTHER-<n>) feeding a merge node, both tables'
// sources co-partitioned, the result materialized when the options ask for a store.
import type { TableTransformOptions } from "./dsl-options.js";
import { isMaterialization } from "./dsl-options.js";
import type { TableState } from "./dsl-state.js";
import { InvalidOperationError } from "../errors.js";
import { NodePrefix } from "../node-names.js";
import { requireOptions } from "./kstream-arguments.js";
import type { ProcessorSupplier } from "../processor.js";
import type { TableJoinKind } from "./processors/ktable-ktable-join.js";
import { TableTableJoin } from "./processors/ktable-ktable-join.js";
import { addTableStore } from "./table-store.js";

type AnySupplier = ProcessorSupplier<unknown, unknown, unknown, unknown>;

/** Joins two tables of one builder; the joined table's state. */
export function joinTables<K, V, VO, VR>(
  state: TableState<K, V>,
  otherState: TableState<K, VO>,
  kind: TableJoinKind,
  joiner: (value: V | null, otherValue: VO | null) => VR,
  options: TableTransformOptions<VR> | undefined,
): TableState<K, VR> {
  requireOptions(options, "materialized", kind === "inner" ? "join" : `${kind}Join`);
  if (otherState.builder !== state.builder)
    throw new InvalidOperationError("join() needs two tables of the same StreamsBuilder");
  const builder = state.builder;
  // Kafka Streams materializes a join given a Materialized, under a generated name when it has none.
  const storeName =
    options?.store ?? (isMaterialization(options) ? builder.newStoreName(NodePrefix.TABLE_MERGE) : undefined);
  const mergeName = builder.nameOr(NodePrefix.TABLE_MERGE, options?.name);
  const sourceNodes = new Set([...state.sourceNodes, ...otherState.sourceNodes]);
  builder.addCopartitionGroup(mergeName, sourceNodes);
  // Kafka Streams: a left join needs the left table's old values, an outer join both.
  if (kind !== "inner") state.supplier.enableSendingOldValues(true);
  if (kind === "outer") otherState.supplier.enableSendingOldValues(true);
  const join = new TableTableJoin<K, V, VO, VR>(state.supplier, otherState.supplier, kind, joiner, storeName);
  const thisName = builder.suffixedOr(options?.name, "-join-this", NodePrefix.TABLE_JOINTHIS);
  const otherName = builder.suffixedOr(options?.name, "-join-other", NodePrefix.TABLE_JOINOTHER);
  builder.addProcessor({
    name: thisName,
    operation: `${kind}Join`,
    supplier: join.thisSupplier as AnySupplier,
    parents: [state.name],
  });
  builder.addProcessor({
    name: otherName,
    operation: `${kind}Join`,
    supplier: join.otherSupplier as AnySupplier,
    parents: [otherState.name],
  });
  builder.addProcessor({
    name: mergeName,
    operation: "merge",
    supplier: join.mergerSupplier as AnySupplier,
    parents: [thisName, otherName],
  });
  builder.connectStores(thisName, join.thisStoreNames);
  builder.connectStores(otherName, join.otherStoreNames);
  if (storeName !== undefined) {
    const operation = kind === "inner" ? "join" : `${kind}Join`;
    addTableStore(builder, storeName, mergeName, state.keySerde, options?.value, options, operation);
  }
  return {
    builder,
    name: mergeName,
    keySerde: state.keySerde,
    valueSerde: options?.value,
    sourceNodes,
    supplier: join,
    queryableStoreName: storeName,
  };
}
