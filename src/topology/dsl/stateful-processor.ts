// A process() or processValues() node (the Processor API inside the DSL), with the
// stores it names and those its supplier brings (ConnectedStoreProvider.stores()).
import type { InternalTopologyBuilder } from "../internal-topology-builder.js";
import { checkName } from "../legal-names.js";
import { NodePrefix } from "../node-names.js";
import type { AnyProcessorSupplier, FixedKeyProcessorSupplier, ProcessorSupplier } from "../processor.js";
import { unpackSupplier } from "../processor.js";
import { storeSpecOf } from "../store-options.js";
import type { StateStoreOptions } from "../store-options.js";
import type { Named } from "./dsl-options.js";
import type { StreamState } from "./dsl-state.js";
import { fixedKeyProcessorSupplier } from "./processors/fixed-key-processor.js";
import { derivedStream } from "./stream-operations.js";

type AnySupplier = ProcessorSupplier<unknown, unknown, unknown, unknown>;

export interface ProcessOptions extends Named {
  /** Stores the processor may open with context.getStateStore(name). */
  stores?: readonly string[];
}

/** What KStream.processValues() takes: a FixedKeyProcessorSupplier, or an object that gives one and its stores. */
export type FixedKeySupplierArgument<K, V, VOut> =
  | FixedKeyProcessorSupplier<K, V, VOut>
  | {
      get(): ReturnType<FixedKeyProcessorSupplier<K, V, VOut>>;
      stores?(): readonly StateStoreOptions<unknown, unknown>[];
    };

export interface StatefulProcessorNode {
  readonly name: string;
  readonly operation: string;
  readonly supplier: ProcessorSupplier<unknown, unknown, unknown, unknown>;
  readonly parent: string;
  /** Stores added elsewhere that the processor opens by name. */
  readonly storeNames: readonly string[] | undefined;
  /** Stores the supplier brings: added here and connected to the node. */
  readonly suppliedStores: readonly StateStoreOptions<unknown, unknown>[];
}

export function addStatefulProcessor(builder: InternalTopologyBuilder, node: StatefulProcessorNode): void {
  const { name, operation, supplier } = node;
  builder.addProcessor({ name, operation, supplier, parents: [node.parent], stores: node.storeNames ?? [] });
  for (const store of node.suppliedStores) {
    builder.addStore(storeSpecOf(store));
    builder.connectStores(name, [store.name]);
  }
}

/** Adds KStream.process()'s node; the result may have any key, so it is marked for repartitioning. */
export function addProcess<K, V, KOut, VOut>(
  state: StreamState<K, V>,
  supplier: AnyProcessorSupplier<K, V, KOut, VOut>,
  options: ProcessOptions | undefined,
): StreamState<KOut, VOut> {
  const name = processorName(state, NodePrefix.PROCESSOR, options);
  const unpacked = unpackSupplier(supplier);
  addStatefulProcessor(state.builder, {
    name,
    operation: "process",
    supplier: unpacked.supplier as AnySupplier,
    parent: state.name,
    storeNames: options?.stores,
    suppliedStores: unpacked.stores,
  });
  return derivedStream<K, V, KOut, VOut>(state, name, {
    keySerde: undefined,
    valueSerde: undefined,
    repartitionRequired: true,
  });
}

/** Adds KStream.processValues()'s node: the stream keeps its key serde and needs no repartitioning. */
export function addProcessValues<K, V, VOut>(
  state: StreamState<K, V>,
  supplier: FixedKeySupplierArgument<K, V, VOut>,
  options: ProcessOptions | undefined,
): StreamState<K, VOut> {
  const name = processorName(state, NodePrefix.PROCESSVALUES, options);
  const unpacked = unpackSupplier(
    typeof supplier === "function" ? supplier : { get: () => supplier.get(), stores: () => supplier.stores?.() ?? [] },
  );
  addStatefulProcessor(state.builder, {
    name,
    operation: "processValues",
    supplier: fixedKeyProcessorSupplier(unpacked.supplier) as AnySupplier,
    parent: state.name,
    storeNames: options?.stores,
    suppliedStores: unpacked.stores,
  });
  return derivedStream<K, V, K, VOut>(state, name, { valueSerde: undefined });
}

/** As KStream#process in Kafka Streams: a given name burns no index. */
function processorName(
  state: StreamState<unknown, unknown>,
  prefix: string,
  options: ProcessOptions | undefined,
): string {
  return options?.name === undefined
    ? state.builder.newProcessorName(prefix)
    : checkName(options.name, "Processor name");
}
