// Kafka Streams' internal configs (StreamsConfig.InternalConfig) that the DSL's processors
// read from context.appConfigs(): not part of the documented configuration, set by the
// TopologyTestDriver (as Kafka Streams' driver sets them) or by tests.

/**
 * How often, in ms of wall-clock time, a windowed aggregation emitting on window close
 * looks for closed windows (1000 by default; the TopologyTestDriver sets 0: every record).
 */
export const EMIT_INTERVAL_CONFIG = "__emit.interval.ms.kstreams.windowed.aggregation__";

/**
 * How often, in ms of wall-clock time, a left or outer stream-stream join looks for records
 * whose window closed without a partner (1000 by default; the TopologyTestDriver sets 0).
 */
export const OUTER_JOIN_EMIT_INTERVAL_CONFIG = "__emit.interval.ms.kstreams.outer.join.spurious.results.fix__";
