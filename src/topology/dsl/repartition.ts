// Repartitioning through an internal topic, as Kafka Streams'
// KStreamImpl.createRepartitionedSource: a filter, a sink to `<prefix>-repartition` and
// a source reading it back, so that records reach the task that owns their new key.
// Kafka Streams burns three indexes (sink, filter, source) every time, even when it
// reuses an existing repartition or names the nodes after a user-given prefix: we do
// the same, so the names of everything created later match. KStream.repartition() is
// this with the user's topic name, partitions and partitioner.
import { anySerde } from "./dsl-state.js";
import type { StreamState } from "./dsl-state.js";
import type { RepartitionOptions } from "./dsl-options.js";
import type { InternalTopologyBuilder } from "../internal-topology-builder.js";
import { checkName } from "../legal-names.js";
import { GENERATED_NAME, NodePrefix, REPARTITION_TOPIC_SUFFIX } from "../node-names.js";
import type { ProcessorSupplier, StreamPartitioner } from "../processor.js";
import { filterSupplier } from "./processors/stream-processors.js";
import { linkRepartitionTopic, nullKeyRelaxedJoinDownstream } from "./null-key-relaxed-joins.js";
import type { Serde } from "../../serdes/serde.js";

export interface RepartitionNames {
  readonly topic: string;
  readonly sink: string;
  readonly filter: string;
  readonly source: string;
}

export function repartitionNames(builder: InternalTopologyBuilder, prefix: string): RepartitionNames {
  const topic = prefix.endsWith(REPARTITION_TOPIC_SUFFIX) ? prefix : `${prefix}${REPARTITION_TOPIC_SUFFIX}`;
  const sink = builder.newProcessorName(NodePrefix.SINK);
  const filter = builder.newProcessorName(NodePrefix.FILTER);
  const source = builder.newProcessorName(NodePrefix.SOURCE);
  if (GENERATED_NAME.test(prefix)) return { topic, sink, filter, source };
  return { topic, sink: `${topic}-sink`, filter: `${topic}-filter`, source: `${topic}-source` };
}

export interface RepartitionSpec<K, V> {
  parent: string;
  keySerde: Serde<K> | undefined;
  valueSerde: Serde<V> | undefined;
  partitions?: number;
  partitioner?: StreamPartitioner<K, V>;
  /** The call the user fixes a missing serde in, for error messages: "groupBy()". */
  serdeOrigin: string;
}

/** Adds filter -> sink -> topic -> source; returns the source node's name. */
export function addRepartition<K, V>(
  builder: InternalTopologyBuilder,
  names: RepartitionNames,
  spec: RepartitionSpec<K, V>,
): string {
  if (spec.partitions !== undefined && (!Number.isInteger(spec.partitions) || spec.partitions < 1)) {
    throw new RangeError(
      `Repartition topic "${names.topic}" needs a positive integer number of partitions, got ${spec.partitions}`,
    );
  }
  // Decided when the graph is complete: a join downstream may take null keys (null-key-relaxed-joins.ts).
  let keepNullKeys = false;
  builder.onBuild(() => {
    keepNullKeys = nullKeyRelaxedJoinDownstream(builder, names.source);
  });
  linkRepartitionTopic(builder, names.sink, names.source);
  const filter = filterSupplier<K, V>((key) => keepNullKeys || (key !== null && key !== undefined), false);
  builder.addProcessor({
    name: names.filter,
    operation: "repartition-filter",
    supplier: filter as ProcessorSupplier<unknown, unknown, unknown, unknown>,
    parents: [spec.parent],
  });
  builder.addSink({
    name: names.sink,
    parents: [names.filter],
    topic: names.topic,
    internal: true,
    keySerde: anySerde(spec.keySerde),
    valueSerde: anySerde(spec.valueSerde),
    partitioner: spec.partitioner as StreamPartitioner<unknown, unknown> | undefined,
    serdeHint: `pass { {part}: <serde> } to ${spec.serdeOrigin}`,
  });
  builder.addSource({
    name: names.source,
    topics: [names.topic],
    internal: true,
    keySerde: anySerde(spec.keySerde),
    valueSerde: anySerde(spec.valueSerde),
    // The timestamp was extracted upstream and written with the record: read it as is,
    // whatever the default extractor (Kafka Streams' FailOnInvalidTimestamp here).
    timestampExtractor: "failOnInvalidTimestamp",
  });
  builder.addRepartitionTopic(names.topic, spec.partitions, names.sink, names.source);
  return names.source;
}

/** KStream.repartition(): the stream read back from `<applicationId>-<name>-repartition`, partitioned by its key. */
export function repartitionStream<K, V>(
  state: StreamState<K, V>,
  options: RepartitionOptions<K, V> | undefined,
): StreamState<K, V> {
  const builder = state.builder;
  // As KStream#repartition in Kafka Streams: a given name burns no index.
  const prefix =
    options?.name === undefined
      ? builder.newProcessorName(NodePrefix.REPARTITION)
      : checkName(options.name, "Repartition name");
  const names = repartitionNames(builder, prefix);
  const keySerde = options?.key ?? state.keySerde;
  const valueSerde = options?.value ?? state.valueSerde;
  const source = addRepartition(builder, names, {
    parent: state.name,
    keySerde,
    valueSerde,
    ...(options?.partitions !== undefined ? { partitions: options.partitions } : {}),
    ...(options?.partitioner !== undefined ? { partitioner: options.partitioner } : {}),
    serdeOrigin: "repartition()",
  });
  return {
    builder: state.builder,
    name: source,
    keySerde,
    valueSerde,
    sourceNodes: new Set([source]),
    repartitionRequired: false,
  };
}
