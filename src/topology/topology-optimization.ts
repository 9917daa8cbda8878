// Kafka Streams' topology.optimization (StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG): "none"
// (the default), "all", or a comma-separated list of the optimizations to apply. It is read
// where the DSL's graph becomes a Topology (StreamsBuilder.build(props), or the
// StreamsBuilder's TopologyConfig), as Kafka Streams reads it only in build(props).
import { InvalidOperationError } from "./errors.js";

/** StreamsConfig's values of topology.optimization. */
export const TopologyOptimization = Object.freeze({
  NO_OPTIMIZATION: "none",
  OPTIMIZE: "all",
  REUSE_KTABLE_SOURCE_TOPICS: "reuse.ktable.source.topics",
  MERGE_REPARTITION_TOPICS: "merge.repartition.topics",
  SINGLE_STORE_SELF_JOIN: "single.store.self.join",
} as const);

/** One optimization a topology may get (not "none" or "all"). */
export type OptimizationRule =
  | typeof TopologyOptimization.REUSE_KTABLE_SOURCE_TOPICS
  | typeof TopologyOptimization.MERGE_REPARTITION_TOPICS
  | typeof TopologyOptimization.SINGLE_STORE_SELF_JOIN;

const RULES: readonly OptimizationRule[] = [
  TopologyOptimization.REUSE_KTABLE_SOURCE_TOPICS,
  TopologyOptimization.MERGE_REPARTITION_TOPICS,
  TopologyOptimization.SINGLE_STORE_SELF_JOIN,
];

const ACCEPTABLE =
  `Acceptable values are: "${TopologyOptimization.NO_OPTIMIZATION}", "${TopologyOptimization.OPTIMIZE}", ` +
  `or a comma separated list of specific optimizations: (${RULES.map((rule) => `"${rule}"`).join(", ")}).`;

/**
 * The optimizations a value of topology.optimization asks for (StreamsConfig.
 * verifyTopologyOptimizationConfigs): "none" or "all" alone, or a list of rules. A bad value
 * fails as Kafka Streams' ConfigException does, naming the field.
 */
export function optimizationsOf(value: unknown, field = "topologyOptimization"): ReadonlySet<OptimizationRule> {
  if (value === undefined || value === null) return new Set();
  const invalid = (why: string) =>
    new InvalidOperationError(`Invalid value ${JSON.stringify(value)} for configuration ${field}: ${why}`);
  if (typeof value !== "string") throw invalid(`it must be a string. ${ACCEPTABLE}`);
  const configs = value.trim().split(/\s*,\s*/);
  const all = configs.includes(TopologyOptimization.OPTIMIZE);
  const none = configs.includes(TopologyOptimization.NO_OPTIMIZATION);
  if ((all || none) && configs.length > 1)
    throw invalid(`"${value}" is not a valid optimization config. ${ACCEPTABLE}`);
  for (const config of configs) {
    if (!all && !none && !(RULES as readonly string[]).includes(config)) {
      throw invalid(`Unrecognized config ${JSON.stringify(config)}. ${ACCEPTABLE}`);
    }
  }
  if (all) return new Set(RULES);
  if (none) return new Set();
  return new Set(configs as OptimizationRule[]);
}
