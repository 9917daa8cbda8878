// The arguments of the Processor API's Topology calls, checked before anything is added:
// where Kafka Streams throws a NullPointerException or a TopologyException for a missing
// name, topic, store or parent, Eddy throws an InvalidOperationError naming the argument.
import { InvalidOperationError } from "./errors.js";
import type { SourceOptions } from "./topology.js";
import type { StateStoreOptions } from "./store-options.js";
import { BUILT_IN_TIMESTAMP_EXTRACTORS } from "./timestamp-extractor.js";

export interface SourceArguments {
  readonly options: SourceOptions;
  readonly name: string;
  readonly topics: readonly string[];
  readonly pattern: RegExp | undefined;
}

/** addSource([options,] name, ...topics | pattern). */
export function sourceArguments(first: unknown, rest: readonly unknown[]): SourceArguments {
  const withOptions = typeof first === "object" && first !== null;
  const options = (withOptions ? first : {}) as SourceOptions;
  const [name, ...subscription] = withOptions ? rest : [first, ...rest];
  if (typeof name !== "string") throw new InvalidOperationError("addSource() needs the source's name, not " + name);
  if (subscription.length === 0) throw new InvalidOperationError(`Source ${name} needs at least one topic`);
  const pattern = subscription.length === 1 && subscription[0] instanceof RegExp ? subscription[0] : undefined;
  if (pattern === undefined && subscription.some((topic) => typeof topic !== "string")) {
    throw new InvalidOperationError(
      `Source ${name} takes topic names or one pattern, not ${subscription.map(String).join(", ")}`,
    );
  }
  const extractor = options.timestampExtractor;
  if (
    extractor !== undefined &&
    typeof extractor !== "function" &&
    !(BUILT_IN_TIMESTAMP_EXTRACTORS as readonly string[]).includes(extractor)
  ) {
    throw new InvalidOperationError(
      `Source ${name}: unknown timestampExtractor ${JSON.stringify(extractor)}; use one of ${BUILT_IN_TIMESTAMP_EXTRACTORS.join(", ")}, or a function`,
    );
  }
  return { options, name, topics: pattern === undefined ? (subscription as string[]) : [], pattern };
}

/** addSink(name, topic | extractor, ...): the topic is a name or a TopicNameExtractor. */
export function checkSinkTopic(name: string, topic: unknown): void {
  if (typeof topic !== "string" && typeof topic !== "function") {
    throw new InvalidOperationError(`Sink ${name} needs a topic name or a TopicNameExtractor, not ${String(topic)}`);
  }
}

/** Parents are named by their names (Kafka Streams: "parent names must not be null"). */
export function checkParentNames(kind: "Processor" | "Sink", name: string, parents: readonly unknown[]): void {
  if (parents.some((parent) => typeof parent !== "string")) {
    throw new InvalidOperationError(
      `${kind} ${name} names its parents by their names, not ${parents.map(String).join(", ")}`,
    );
  }
}

/** connectProcessorAndStateStores(processorName, ...storeNames). */
export function checkStoreConnection(processorName: unknown, storeNames: readonly unknown[]): void {
  if (typeof processorName !== "string") {
    throw new InvalidOperationError(
      `connectProcessorAndStateStores() needs the processor's name, not ${String(processorName)}`,
    );
  }
  if (storeNames.length === 0) {
    throw new InvalidOperationError(`connectProcessorAndStateStores("${processorName}") needs at least one store`);
  }
  if (storeNames.some((store) => typeof store !== "string")) {
    throw new InvalidOperationError(
      `connectProcessorAndStateStores("${processorName}") names stores by their names, not ${storeNames.map(String).join(", ")}`,
    );
  }
}

/** addStateStore(store, ...): a store's options, with its name. */
export function checkStore(store: StateStoreOptions<unknown, unknown> | null | undefined): void {
  if (typeof store !== "object" || store === null) {
    throw new InvalidOperationError(`addStateStore() needs a store ({ name, key, value }), not ${String(store)}`);
  }
  if (typeof store.name !== "string") {
    throw new InvalidOperationError(`addStateStore() needs the store's name, not ${String(store.name)}`);
  }
}
