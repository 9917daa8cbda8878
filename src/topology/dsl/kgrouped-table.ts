// KGroupedTable: table rows re-keyed by groupBy(), aggregated with an adder and a
// subtractor (Kafka Streams' KGroupedTableImpl). The changes travel through the
// repartition topic `<name or store>-repartition` with both old and new values, so the
// aggregate stays right when a row is updated, moves to another group, or is deleted.
import type { AggregateOptions, MaterializedOptions, Named } from "./dsl-options.js";
import { anySerde } from "./dsl-state.js";
import type { InternalTopologyBuilder } from "../internal-topology-builder.js";
import { KTable } from "./ktable.js";
import { NodePrefix, REPARTITION_TOPIC_SUFFIX } from "../node-names.js";
import type { ProcessorSupplier } from "../processor.js";
import { changeSerde } from "./processors/change.js";
import { derivedSerde } from "../default-serdes.js";
import type { Change } from "./processors/change.js";
import { TableAggregateSupplier } from "./processors/ktable-aggregate.js";
import type { Serde } from "../../serdes/serde.js";
import { Serdes } from "../../serdes/serdes.js";
import { checkAggregation } from "./grouped-arguments.js";

type AnySupplier = ProcessorSupplier<unknown, unknown, unknown, unknown>;

export interface GroupedTableState<K, V> {
  readonly builder: InternalTopologyBuilder;
  /** The KTABLE-SELECT node. */
  readonly name: string;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  readonly groupedName: string | undefined;
}

export interface TableCountOptions extends Named, MaterializedOptions {}

export class KGroupedTable<K, V> {
  readonly #state: GroupedTableState<K, V>;
  #sharedRepartitionSource: string | undefined;

  /** @internal Grouped tables come from KTable.groupBy(). */
  constructor(state: GroupedTableState<K, V>) {
    this.#state = state;
  }

  aggregate<VA>(
    initializer: () => VA,
    adder: (key: K, value: V, aggregate: VA) => VA,
    /** Returning null deletes the group's row. */
    subtractor: (key: K, value: V, aggregate: VA) => VA | null,
    options?: AggregateOptions<VA>,
  ): KTable<K, VA> {
    checkAggregation(
      "aggregate",
      [
        [initializer, "initializer"],
        [adder, "adder"],
        [subtractor, "subtractor"],
      ],
      options,
    );
    const store = options?.store ?? this.#state.builder.newStoreName(NodePrefix.TABLE_AGGREGATE);
    const supplier = TableAggregateSupplier.aggregate<K, V, VA>(store, initializer, adder, subtractor);
    return this.#aggregate(
      NodePrefix.TABLE_AGGREGATE,
      "aggregate",
      store,
      supplier,
      options?.value,
      options,
      "aggregate()",
    );
  }

  /** The subtractor may return null to delete the group's row (its last value left). */
  reduce(
    adder: (aggregate: V, value: V) => V,
    subtractor: (aggregate: V, value: V) => V | null,
    options?: AggregateOptions<V>,
  ): KTable<K, V> {
    checkAggregation(
      "reduce",
      [
        [adder, "adder"],
        [subtractor, "subtractor"],
      ],
      options,
    );
    // Kafka Streams names a table reduce's store with the aggregate prefix.
    const store = options?.store ?? this.#state.builder.newStoreName(NodePrefix.TABLE_AGGREGATE);
    const supplier = TableAggregateSupplier.reduce<K, V>(store, adder, subtractor);
    return this.#aggregate(
      NodePrefix.TABLE_REDUCE,
      "reduce",
      store,
      supplier,
      options?.value ?? this.#state.valueSerde,
      options,
      "reduce()",
    );
  }

  count(options?: TableCountOptions): KTable<K, number> {
    checkAggregation("count", [], options);
    const store = options?.store ?? this.#state.builder.newStoreName(NodePrefix.TABLE_AGGREGATE);
    const supplier = TableAggregateSupplier.aggregate<K, V, number>(
      store,
      () => 0,
      (_key, _value, count) => count + 1,
      (_key, _value, count) => count - 1,
    );
    return this.#aggregate<number>(
      NodePrefix.TABLE_AGGREGATE,
      "count",
      store,
      supplier,
      Serdes.long(),
      options,
      "count()",
    );
  }

  #aggregate<VA>(
    prefix: string,
    operation: string,
    store: string,
    supplier: TableAggregateSupplier<K, V, VA>,
    valueSerde: Serde<VA> | undefined,
    options: (Named & MaterializedOptions) | undefined,
    call: string,
  ): KTable<K, VA> {
    const state = this.#state;
    const builder = state.builder;
    const sinkName = builder.suffixedOr(options?.name, "-sink", NodePrefix.SINK);
    const sourceName = builder.suffixedOr(options?.name, "-source", NodePrefix.SOURCE);
    const name = builder.nameOr(prefix, options?.name);
    const topic = `${state.groupedName ?? store}${REPARTITION_TOPIC_SUFFIX}`;
    let source = this.#sharedRepartitionSource;
    if (source === undefined || state.groupedName === undefined) {
      const changes: Serde<Change<V>> = derivedSerde(state.valueSerde, "value", changeSerde);
      builder.addSink({
        name: sinkName,
        parents: [state.name],
        topic,
        internal: true,
        keySerde: anySerde(state.keySerde),
        valueSerde: anySerde(changes),
        serdeHint: "pass { {part}: <serde> } to groupBy()",
      });
      builder.addSource({
        name: sourceName,
        topics: [topic],
        internal: true,
        keySerde: anySerde(state.keySerde),
        valueSerde: anySerde(changes),
        timestampExtractor: "failOnInvalidTimestamp", // the timestamp upstream extracted, as repartition.ts
      });
      builder.addRepartitionTopic(topic, undefined, sinkName, sourceName);
      source = sourceName;
      this.#sharedRepartitionSource = source;
    }
    builder.addProcessor({ name, operation, supplier: supplier.supplier as AnySupplier, parents: [source] });
    builder.addStore({
      name: store,
      timestamped: true,
      caching: options?.caching ?? true,
      keySerde: anySerde(state.keySerde),
      valueSerde: anySerde(valueSerde),
      ...(options?.persistent !== undefined ? { persistent: options.persistent } : {}),
      ...(options?.logging !== undefined ? { logging: options.logging } : {}),
      serdeHint: { key: "pass { key: <serde> } to groupBy()", value: `pass { value: <serde> } to ${call}` },
    });
    builder.connectStores(name, [store]);
    return new KTable<K, VA>({
      builder,
      name,
      keySerde: state.keySerde,
      valueSerde,
      sourceNodes: new Set([source]),
      supplier,
      queryableStoreName: options?.store,
    });
  }
}
