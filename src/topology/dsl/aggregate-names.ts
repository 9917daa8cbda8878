// The names an aggregation of a grouped stream spends, in Kafka Streams' order: its store's
// name first (unless the user named the store), then its processor's. count() with a
// materialization but no store name spends one store name more before naming its store, as
// Kafka Streams' KGroupedStreamImpl.count(Materialized) does; generated names must match.
import type { InternalTopologyBuilder } from "../internal-topology-builder.js";
import { isMaterialization } from "./dsl-options.js";

export interface AggregateNames {
  readonly store: string;
  readonly name: string;
}

export function aggregateNames(
  builder: InternalTopologyBuilder,
  prefix: string,
  options: { store?: string; name?: string } | undefined,
  operation: "count" | "reduce" | "aggregate",
): AggregateNames {
  if (operation === "count" && isMaterialization(options) && options?.store === undefined) {
    builder.newStoreName(prefix);
  }
  const store = options?.store ?? builder.newStoreName(prefix);
  return { store, name: builder.nameOr(prefix, options?.name) };
}
