// What every KTable-producing processor offers the DSL besides its processors, as
// Kafka Streams' KTableProcessorSupplier: a way to make it forward old values (needed
// downstream by subtractors, joins and retracting filters) and a value getter.
import type { ProcessorSupplier } from "../../processor.js";
import type { Change } from "./change.js";
import type { ValueGetterSupplier } from "./value-getter.js";

export interface TableProcessorSupplier<K, V> {
  /**
   * Asks the processor to forward Change(new, old) rather than Change(new, null).
   * With `forceMaterialization`, an unmaterialized source table gets a store to read old
   * values from; without it the call may decline (returns false), as in Kafka Streams.
   */
  enableSendingOldValues(forceMaterialization: boolean): boolean;
  /** Reads the table's value for a key; materializes an unmaterialized source table. */
  view(): ValueGetterSupplier<K, V>;
}

/** The processor supplier of a table operation: its output is a stream of Changes. */
export type TableChangeSupplier<KIn, VIn, K, V> = ProcessorSupplier<KIn, VIn, K, Change<V>>;
