// A process() or processValues() node (the Processor API inside the DSL), with the
// stores it names and those its supplier brings (ConnectedStoreProvider.stores()).
import type { InternalTopologyBuilder } from "../internal-topology-builder.js";
import type { ProcessorSupplier } from "../processor.js";
import { storeSpecOf } from "../store-options.js";
import type { StateStoreOptions } from "../store-options.js";

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
