// The prefixes Kafka Streams gives generated node and store names (KStreamImpl,
// KTableImpl, KGroupedStreamImpl, KGroupedTableImpl, BranchedKStreamImpl). Keeping
// them identical keeps topologies, describe() text and internal topic names identical.
export const NodePrefix = {
  SOURCE: "KSTREAM-SOURCE-",
  SINK: "KSTREAM-SINK-",
  FILTER: "KSTREAM-FILTER-",
  PEEK: "KSTREAM-PEEK-",
  FLATMAP: "KSTREAM-FLATMAP-",
  FLATMAPVALUES: "KSTREAM-FLATMAPVALUES-",
  MAP: "KSTREAM-MAP-",
  MAPVALUES: "KSTREAM-MAPVALUES-",
  PROCESSOR: "KSTREAM-PROCESSOR-",
  KEY_SELECT: "KSTREAM-KEY-SELECT-",
  FOREACH: "KSTREAM-FOREACH-",
  MERGE: "KSTREAM-MERGE-",
  REPARTITION: "KSTREAM-REPARTITION-",
  BRANCH: "KSTREAM-BRANCH-",
  JOIN: "KSTREAM-JOIN-",
  LEFTJOIN: "KSTREAM-LEFTJOIN-",
  STREAM_AGGREGATE: "KSTREAM-AGGREGATE-",
  STREAM_REDUCE: "KSTREAM-REDUCE-",
  TABLE_SOURCE: "KTABLE-SOURCE-",
  TABLE_FILTER: "KTABLE-FILTER-",
  TABLE_MAPVALUES: "KTABLE-MAPVALUES-",
  TABLE_TOSTREAM: "KTABLE-TOSTREAM-",
  TABLE_JOINTHIS: "KTABLE-JOINTHIS-",
  TABLE_JOINOTHER: "KTABLE-JOINOTHER-",
  TABLE_MERGE: "KTABLE-MERGE-",
  TABLE_SELECT: "KTABLE-SELECT-",
  TABLE_AGGREGATE: "KTABLE-AGGREGATE-",
  TABLE_REDUCE: "KTABLE-REDUCE-",
} as const;

export const REPARTITION_TOPIC_SUFFIX = "-repartition";

/** Kafka Streams keeps generated node names for a repartition whose prefix is itself generated. */
export const GENERATED_NAME = /^KSTREAM.*-[0-9]{10}$/;
