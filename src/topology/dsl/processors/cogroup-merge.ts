// The merge node of a cogroup: Kafka Streams' KTablePassThrough. The cogroup's aggregate
// processors already wrote the one store; the merge passes their changes on unchanged and
// is the resulting table: asking it for old values asks every aggregate, and its value
// getter reads the store.
import type { ProcessorSupplier } from "../../processor.js";
import type { Change } from "./change.js";
import { passThroughSupplier } from "./stream-processors.js";
import type { TableProcessorSupplier } from "./table-processor-supplier.js";
import type { ValueGetterSupplier } from "./value-getter.js";

export class CogroupMergeSupplier<K, V> implements TableProcessorSupplier<K, V> {
  constructor(
    private readonly parents: readonly TableProcessorSupplier<K, V>[],
    /** The aggregates' shared store, read as the table: a key-value or a windowed one. */
    private readonly storeView: () => ValueGetterSupplier<K, V>,
  ) {}

  enableSendingOldValues(forceMaterialization: boolean): boolean {
    for (const parent of this.parents) parent.enableSendingOldValues(forceMaterialization);
    return true;
  }

  view(): ValueGetterSupplier<K, V> {
    return this.storeView();
  }

  readonly supplier: ProcessorSupplier<K, Change<V>, K, Change<V>> = passThroughSupplier<K, Change<V>>();
}
