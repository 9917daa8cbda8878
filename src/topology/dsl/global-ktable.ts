// GlobalKTable: the whole of a topic on every instance (Kafka Streams' GlobalKTable).
// It is kept by a global store outside the tasks: its own consumer reads every partition,
// outside the consumer group, restores it from the topic before the application runs and
// follows the topic afterwards. Streams join it by any key they compute from a record, with
// no co-partitioning and no repartition; queries read it locally, without routing.
import type { Serde } from "../../serdes/serde.js";
import { storeValueGetterSupplier } from "./processors/value-getter.js";
import type { ValueGetterSupplier } from "./processors/value-getter.js";
import type { InternalTopologyBuilder } from "../internal-topology-builder.js";

/** @internal What a stream needs to join a global table. */
export interface GlobalTableState<K, V> {
  readonly builder: InternalTopologyBuilder;
  readonly storeName: string;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  readonly queryableStoreName: string | undefined;
}

export class GlobalKTable<K, V> {
  readonly #state: GlobalTableState<K, V>;

  /** @internal Global tables come from StreamsBuilder.globalTable(). */
  constructor(state: GlobalTableState<K, V>) {
    this.#state = state;
  }

  /** The store to query it by, when it was given one by name (Kafka Streams' queryableStoreName()). */
  get queryableStoreName(): string | undefined {
    return this.#state.queryableStoreName;
  }

  /** @internal */
  static stateOf<K, V>(table: GlobalKTable<K, V>): GlobalTableState<K, V> {
    return table.#state;
  }

  /** @internal Reads the table's current row for a key, from any task. */
  static valueGetterOf<K, V>(table: GlobalKTable<K, V>): ValueGetterSupplier<K, V> {
    // Every processor reads a global store without being connected to it.
    const getter = storeValueGetterSupplier<K, V>(table.#state.storeName);
    return { storeNames: [], get: () => getter.get() };
  }
}
