// A stream's stateless operations as Kafka Streams' KStreamImpl adds them: the processor
// after the stream's node, and the stream after it with the serdes the operation keeps. An
// operation that may change the key drops the key serde and marks the stream for
// repartitioning before any grouping or join; one that may change the value drops the
// value serde. merge() joins two streams' nodes into one.
import type { Serde } from "../../serdes/serde.js";
import { InvalidOperationError } from "../errors.js";
import { NodePrefix } from "../node-names.js";
import type { ProcessorSupplier } from "../processor.js";
import type { StreamState } from "./dsl-state.js";
import { mapSupplier, passThroughSupplier } from "./processors/stream-processors.js";

type AnySupplier = ProcessorSupplier<unknown, unknown, unknown, unknown>;

/** What an operation changes of the stream: a serde named here (undefined too) replaces the stream's. */
export interface StreamChanges<K, V> {
  keySerde?: Serde<K> | undefined;
  valueSerde?: Serde<V> | undefined;
  repartitionRequired?: boolean;
}

/** Adds the operation's processor (named `name` or after `prefix`) after `state`'s node; the stream after it. */
export function addStreamOperation<K, V, KR = K, VR = V>(
  state: StreamState<K, V>,
  prefix: string,
  userName: string | undefined,
  operation: string,
  supplier: ProcessorSupplier<K, V, unknown, unknown>,
  changes: StreamChanges<KR, VR>,
): StreamState<KR, VR> {
  const name = state.builder.nameOr(prefix, userName);
  state.builder.addProcessor({ name, operation, supplier: supplier as AnySupplier, parents: [state.name] });
  return derivedStream(state, name, changes);
}

/** The stream at node `name` after `state`'s, with what the operation changed. */
export function derivedStream<K, V, KR = K, VR = V>(
  state: StreamState<K, V>,
  name: string,
  changes: StreamChanges<KR, VR>,
): StreamState<KR, VR> {
  return {
    builder: state.builder,
    name,
    keySerde: "keySerde" in changes ? changes.keySerde : (state.keySerde as unknown as Serde<KR> | undefined),
    valueSerde: "valueSerde" in changes ? changes.valueSerde : (state.valueSerde as unknown as Serde<VR> | undefined),
    sourceNodes: state.sourceNodes,
    repartitionRequired: changes.repartitionRequired ?? state.repartitionRequired,
  };
}

/** Adds the node that gives each record the key `mapper` computes (selectKey(), groupBy()); its name. */
export function addSelectKey<K, V, KR>(
  state: StreamState<K, V>,
  mapper: (key: K, value: V) => KR,
  userName: string | undefined,
): string {
  const name = state.builder.nameOr(NodePrefix.KEY_SELECT, userName);
  const supplier = mapSupplier<K, V, KR, V>((key, value) => ({ key: mapper(key, value), value }));
  state.builder.addProcessor({
    name,
    operation: "selectKey",
    supplier: supplier as AnySupplier,
    parents: [state.name],
  });
  return name;
}

/** Adds the node both streams flow into; the merged stream. */
export function mergeStreams<K, V>(
  mine: StreamState<K, V>,
  theirs: StreamState<K, V>,
  userName: string | undefined,
): StreamState<K, V> {
  if (theirs.builder !== mine.builder)
    throw new InvalidOperationError("merge() needs two streams of the same StreamsBuilder");
  const name = mine.builder.nameOr(NodePrefix.MERGE, userName);
  mine.builder.addProcessor({
    name,
    operation: "merge",
    supplier: passThroughSupplier() as AnySupplier,
    parents: [mine.name, theirs.name],
  });
  // Kafka Streams drops both serdes here (KStreamImpl.merge): what follows uses the defaults.
  return {
    builder: mine.builder,
    name,
    keySerde: undefined,
    valueSerde: undefined,
    sourceNodes: new Set([...mine.sourceNodes, ...theirs.sourceNodes]),
    repartitionRequired: mine.repartitionRequired || theirs.repartitionRequired,
  };
}
