// KStream.groupByKey() and groupBy(): the grouped stream's state. groupBy() adds the node
// that selects the new key and marks the grouping for repartitioning, so that its first
// aggregation adds the repartition topic (kgrouped-stream.ts).
import type { GroupedOptions } from "./dsl-options.js";
import type { StreamState } from "./dsl-state.js";
import type { GroupedStreamState } from "./kgrouped-stream.js";
import { addSelectKey } from "./stream-operations.js";

export function groupedByKey<K, V>(
  state: StreamState<K, V>,
  options: GroupedOptions<K, V> | undefined,
): GroupedStreamState<K, V> {
  return {
    builder: state.builder,
    name: state.name,
    keySerde: options?.key ?? state.keySerde,
    valueSerde: options?.value ?? state.valueSerde,
    sourceNodes: state.sourceNodes,
    repartitionRequired: state.repartitionRequired,
    groupedName: options?.name,
  };
}

export function groupedBy<K, V, KR>(
  state: StreamState<K, V>,
  selector: (key: K, value: V) => KR,
  options: GroupedOptions<KR, V> | undefined,
): GroupedStreamState<KR, V> {
  const name = addSelectKey(state, selector, options?.name);
  return {
    builder: state.builder,
    name,
    keySerde: options?.key,
    valueSerde: options?.value ?? state.valueSerde,
    sourceNodes: state.sourceNodes,
    repartitionRequired: true,
    groupedName: options?.name,
  };
}
