// Which nodes hand their input value on unchanged, told by the operation the DSL records
// on each processor. Whoever knows a value as it was written to a source topic (the
// HTTP command endpoint) can then tell whether a processor downstream receives that
// same value: filters, key changes, peeks, merges, splits and repartition topics keep
// it; every other operation (mapValues, joins, process(), ...) may change it.
import type { TopologyNode } from "./topology.js";

const VALUE_PRESERVING_OPERATIONS: ReadonlySet<string> = new Set([
  "filter",
  "filterNot",
  "selectKey",
  "peek",
  "merge",
  "split",
  "branch",
  // The filter in front of a repartition sink (drops null keys); the topic itself is a sink and a source.
  "repartition-filter",
]);

/** Whether the values the node forwards are the values it received (sources: the topic's, deserialized). */
export function keepsValue(node: TopologyNode): boolean {
  return node.kind !== "processor" || VALUE_PRESERVING_OPERATIONS.has(node.operation);
}
