// What the DSL classes know about each other and users need not see: the graph they
// write into, the node a stream or table ends at, its serdes, the source nodes it comes
// from (for co-partitioning) and, for tables, the processor supplier that can send old
// values and give value getters. Kept under a symbol so it stays off the public surface.
import type { InternalTopologyBuilder } from "../internal-topology-builder.js";
import type { TableProcessorSupplier } from "./processors/table-processor-supplier.js";
import type { Serde } from "../../serdes/serde.js";

export const dsl = Symbol("eddy.dsl");

export interface StreamState<K, V> {
  readonly builder: InternalTopologyBuilder;
  readonly name: string;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  readonly sourceNodes: ReadonlySet<string>;
  /** The key may have changed since the source: grouping or joining must repartition first. */
  readonly repartitionRequired: boolean;
}

export interface TableState<K, V> {
  readonly builder: InternalTopologyBuilder;
  readonly name: string;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  readonly sourceNodes: ReadonlySet<string>;
  readonly supplier: TableProcessorSupplier<K, V>;
  readonly queryableStoreName: string | undefined;
}

/** Erases a serde's type for the untyped graph. */
export function anySerde<T>(serde: Serde<T> | undefined): Serde<unknown> | undefined {
  return serde as Serde<unknown> | undefined;
}
