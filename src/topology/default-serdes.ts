// Default serdes, as Kafka Streams' default.key.serde / default.value.serde: wherever the
// topology gives no serde (a stream read without one, a sink after a mapValues, an
// aggregate's store), the builder leaves a placeholder that knows which part it stands
// for and how to fail; KafkaStreams and the TopologyTestDriver resolve the placeholders
// with the defaults of their configuration when they freeze the topology, and a
// placeholder neither the topology nor the configuration fills is the MissingSerdeError
// build() used to throw, naming the node, the part and where to give it.
//
// Some serdes are made from another (a table repartition topic carries Changes of the
// value serde, a windowed table's keys are windowed keys): derivedSerde() makes one from
// a placeholder that resolves once its inner serde does.
import { InvalidTopologyError, MissingSerdeError } from "./errors.js";
import type { TopologyError } from "./errors.js";
import type { Serde, SerdeContext } from "../serdes/serde.js";
import type { StoreDefinition, TopologyData, TopologyNode } from "./topology.js";

export interface DefaultSerdes {
  readonly key?: Serde<unknown> | undefined;
  readonly value?: Serde<unknown> | undefined;
}

const UNRESOLVED = Symbol("eddy.unresolvedSerde");

interface Unresolved {
  readonly part: "key" | "value";
  resolve(defaults: DefaultSerdes): Serde<unknown> | undefined;
  /** What to report when it cannot be resolved; undefined when another node reports the same gap. */
  readonly problem: MissingSerdeError | undefined;
}

type UnresolvedSerde = Serde<unknown> & { readonly [UNRESOLVED]: Unresolved };

function unresolved(spec: Unresolved): UnresolvedSerde {
  const fail = (context?: SerdeContext): never => {
    throw (
      spec.problem ??
      new MissingSerdeError(
        context?.store ?? context?.topic ?? "(unknown)",
        spec.part,
        `No ${spec.part} serde for ${context?.store !== undefined ? `store "${context.store}"` : `topic "${context?.topic ?? "?"}"`}: ` +
          `give one in the topology, or set default${spec.part === "key" ? "Key" : "Value"}Serde in the configuration`,
      )
    );
  };
  return {
    name: `default ${spec.part} serde`,
    serialize: (_value: unknown, context?: SerdeContext) => fail(context),
    deserialize: (_bytes: Buffer, context?: SerdeContext) => fail(context),
    [UNRESOLVED]: spec,
  };
}

function unresolvedOf(serde: Serde<unknown> | undefined): Unresolved | undefined {
  return serde === undefined ? undefined : (serde as Partial<UnresolvedSerde>)[UNRESOLVED];
}

/** Whether the serde is a placeholder the configuration's defaults must fill. */
export function isUnresolvedSerde(serde: Serde<unknown> | undefined): boolean {
  return unresolvedOf(serde) !== undefined;
}

/** The placeholder for a part the topology gives no serde for. */
export function defaultSerde<T>(part: "key" | "value"): Serde<T> {
  return unresolved({ part, resolve: (defaults) => defaults[part], problem: undefined }) as Serde<T>;
}

/**
 * A serde made from `inner` by `wrap`: at once when `inner` is a real serde, else a
 * placeholder that wraps the default (or whatever `inner` resolves to) once known.
 */
export function derivedSerde<A, B>(
  inner: Serde<A> | undefined,
  part: "key" | "value",
  wrap: (inner: Serde<A>) => Serde<B>,
): Serde<B> {
  const source = inner === undefined ? defaultSerde<A>(part) : inner;
  const spec = unresolvedOf(source as Serde<unknown>);
  if (spec === undefined) return wrap(source);
  return unresolved({
    part,
    resolve: (defaults) => {
      const resolved = spec.resolve(defaults);
      if (resolved === undefined) return undefined;
      // A serde made from two others (a join's values of both sides) may still wait for the second.
      const wrapped = wrap(resolved as Serde<A>) as Serde<unknown>;
      return unresolvedOf(wrapped)?.resolve(defaults) ?? wrapped;
    },
    problem: undefined,
  }) as Serde<B>;
}

/**
 * The serde a node or store keeps: the one given, or a placeholder (the default for
 * `part`) that reports `problem` when the configuration has no default either.
 */
export function serdeOrDefault(
  serde: Serde<unknown> | undefined,
  part: "key" | "value",
  problem: () => MissingSerdeError | undefined,
): Serde<unknown> {
  if (serde === undefined) return unresolved({ part, resolve: (defaults) => defaults[part], problem: problem() });
  const spec = unresolvedOf(serde);
  if (spec === undefined) return serde;
  return unresolved({ ...spec, resolve: spec.resolve, problem: problem() });
}

/**
 * The topology with every placeholder replaced by what the defaults make of it. Throws
 * InvalidTopologyError with a MissingSerdeError per serde still missing.
 */
export function resolveDefaultSerdes(data: TopologyData, defaults: DefaultSerdes): TopologyData {
  const problems = new Map<string, TopologyError>();
  let changed = false;
  const resolve = (serde: Serde<unknown>): Serde<unknown> => {
    const spec = unresolvedOf(serde);
    if (spec === undefined) return serde;
    changed = true;
    const resolved = spec.resolve(defaults);
    if (resolved !== undefined) return resolved;
    if (spec.problem !== undefined) problems.set(spec.problem.message, spec.problem);
    return serde;
  };
  const nodes = new Map<string, TopologyNode>();
  for (const [name, node] of data.nodes) nodes.set(name, resolveNode(node, resolve));
  const stores = new Map<string, StoreDefinition>();
  for (const [name, store] of data.stores) {
    stores.set(
      name,
      Object.freeze({ ...store, keySerde: resolve(store.keySerde), valueSerde: resolve(store.valueSerde) }),
    );
  }
  if (problems.size > 0) throw new InvalidTopologyError([...problems.values()]);
  const hasDefaults = defaults.key !== undefined || defaults.value !== undefined;
  if (!changed && !hasDefaults) return data;
  return {
    nodes: changed ? nodes : data.nodes,
    stores: changed ? stores : data.stores,
    subtopologies: data.subtopologies,
    repartitionTopics: data.repartitionTopics,
    copartitionGroups: data.copartitionGroups,
    ...(data.globalStores === undefined ? {} : { globalStores: data.globalStores }),
    ...(data.topologyName === undefined ? {} : { topologyName: data.topologyName }),
    // Processors that serialize on their own (the foreign-key join) resolve their serdes with them.
    ...(hasDefaults ? { defaultSerdes: defaults } : {}),
  };
}

/**
 * A serde as a processor uses it at run time: the one given, or what the configuration's
 * defaults make of a placeholder; undefined when they make nothing of it.
 */
export function resolveSerde<T>(serde: Serde<T>, defaults: DefaultSerdes): Serde<T> | undefined {
  const spec = unresolvedOf(serde as Serde<unknown>);
  if (spec === undefined) return serde;
  return spec.resolve(defaults) as Serde<T> | undefined;
}

function resolveNode(node: TopologyNode, resolve: (serde: Serde<unknown>) => Serde<unknown>): TopologyNode {
  switch (node.kind) {
    case "source":
    case "sink":
      return Object.freeze({ ...node, keySerde: resolve(node.keySerde), valueSerde: resolve(node.valueSerde) });
    case "processor":
      if (node.commandHandler === undefined) return node;
      return Object.freeze({
        ...node,
        commandHandler: Object.freeze({ ...node.commandHandler, keySerde: resolve(node.commandHandler.keySerde) }),
      });
  }
}
