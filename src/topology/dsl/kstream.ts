// KStream: an unbounded stream of records, as Kafka Streams' KStream. Every operation
// adds nodes to the builder's graph and returns a new handle; the names, the
// repartitioning and the serde inheritance rules are Kafka Streams' (see KStreamImpl).
// What each operation adds to the graph is built in files of their own: the stateless
// operations and merge() (stream-operations.ts), to() and print() (stream-sinks.ts),
// repartition() (repartition.ts), grouping (stream-grouping.ts), the joins
// (kstream-joins.ts, stream-table-joins.ts), process() and processValues()
// (stateful-processor.ts), toTable() (stream-to-table.ts), handleCommands() (handle-commands.ts).
import type { KeyValue } from "../../stores/key-value-store.js";
import { BranchedKStream } from "./branched-kstream.js";
import type { HandleCommandsOptions } from "../command-handling.js";
import type {
  GroupedOptions,
  JoinedOptions,
  Named,
  ProducedOptions,
  RepartitionOptions,
  ToTableOptions,
} from "./dsl-options.js";
import { dsl } from "./dsl-state.js";
import type { StreamState } from "./dsl-state.js";
import { InvalidOperationError } from "../errors.js";
import {
  checkGroupBy,
  checkJoin,
  checkMerge,
  checkOperation,
  checkProcess,
  checkTo,
  requireOptions,
} from "./kstream-arguments.js";
import { KGroupedStream } from "./kgrouped-stream.js";
import { KTable } from "./ktable.js";
import { NodePrefix } from "../node-names.js";
import type { AnyProcessorSupplier, ProcessorSupplier, TopicNameExtractor } from "../processor.js";
import { GlobalKTable } from "./global-ktable.js";
import type { JoinWindows } from "./join-windows.js";
import type { StreamJoinKind } from "./stream-stream-join.js";
import type { StreamJoinedOptions, StreamJoiner, ValueJoinerWithKey } from "./stream-joined.js";
import {
  filterSupplier,
  flatMapSupplier,
  flatMapValuesSupplier,
  foreachSupplier,
  mapSupplier,
  mapValuesSupplier,
  peekSupplier,
} from "./processors/stream-processors.js";
import { repartitionStream } from "./repartition.js";
import { addCommandHandler } from "./handle-commands.js";
import { JoinRepartition } from "./join-repartition.js";
import { joinStreams, joinTable } from "./kstream-joins.js";
import type { JoinSide } from "./kstream-joins.js";
import { addProcess, addProcessValues } from "./stateful-processor.js";
import type { FixedKeySupplierArgument, ProcessOptions } from "./stateful-processor.js";
import { addStreamGlobalTableJoin } from "./stream-table-joins.js";
import { addStreamToTable } from "./stream-to-table.js";
import { groupedBy, groupedByKey } from "./stream-grouping.js";
import { addSelectKey, addStreamOperation, derivedStream, mergeStreams } from "./stream-operations.js";
import type { StreamChanges } from "./stream-operations.js";
import { addPrint, addTopicSink } from "./stream-sinks.js";
import type { PrintOptions } from "./stream-sinks.js";

export class KStream<K, V> {
  /** @internal */
  readonly [dsl]: StreamState<K, V>;
  // A key-changed stream joined twice without a join name shares one repartition
  // topic, as in Kafka Streams (KStreamImpl.repartitionNode).
  readonly #joinRepartition = new JoinRepartition();

  /** @internal Streams come from StreamsBuilder.stream() and the operations below. */
  constructor(state: StreamState<K, V>) {
    this[dsl] = state;
  }

  /** The node this stream ends at. */
  get name(): string {
    return this[dsl].name;
  }

  filter<VF extends V>(predicate: (key: K, value: V) => value is VF, options?: Named): KStream<K, VF>;
  filter(predicate: (key: K, value: V) => boolean, options?: Named): KStream<K, V>;
  filter(predicate: (key: K, value: V) => boolean, options?: Named): KStream<K, V> {
    checkOperation(predicate, "predicate", options, "filter");
    return this.#then(NodePrefix.FILTER, options, "filter", filterSupplier(predicate, false), {});
  }

  filterNot(predicate: (key: K, value: V) => boolean, options?: Named): KStream<K, V> {
    checkOperation(predicate, "predicate", options, "filterNot");
    return this.#then(NodePrefix.FILTER, options, "filterNot", filterSupplier(predicate, true), {});
  }

  /** A new key and value for each record: the stream will be repartitioned before grouping or joining. */
  map<KR, VR>(mapper: (key: K, value: V) => KeyValue<KR, VR>, options?: Named): KStream<KR, VR> {
    checkOperation(mapper, "mapper", options, "map");
    return this.#then<KR, VR>(NodePrefix.MAP, options, "map", mapSupplier(mapper), KEY_AND_VALUE_CHANGED);
  }

  mapValues<VR>(mapper: (value: V, key: K) => VR, options?: Named): KStream<K, VR> {
    checkOperation(mapper, "valueMapper", options, "mapValues");
    return this.#then<K, VR>(NodePrefix.MAPVALUES, options, "mapValues", mapValuesSupplier(mapper), VALUE_CHANGED);
  }

  flatMap<KR, VR>(mapper: (key: K, value: V) => Iterable<KeyValue<KR, VR>>, options?: Named): KStream<KR, VR> {
    checkOperation(mapper, "mapper", options, "flatMap");
    return this.#then<KR, VR>(NodePrefix.FLATMAP, options, "flatMap", flatMapSupplier(mapper), KEY_AND_VALUE_CHANGED);
  }

  flatMapValues<VR>(mapper: (value: V, key: K) => Iterable<VR>, options?: Named): KStream<K, VR> {
    checkOperation(mapper, "valueMapper", options, "flatMapValues");
    const supplier = flatMapValuesSupplier(mapper);
    return this.#then<K, VR>(NodePrefix.FLATMAPVALUES, options, "flatMapValues", supplier, VALUE_CHANGED);
  }

  /** A new key for each record: the stream will be repartitioned before grouping or joining. */
  selectKey<KR>(mapper: (key: K, value: V) => KR, options?: Named): KStream<KR, V> {
    checkOperation(mapper, "mapper", options, "selectKey");
    const name = addSelectKey(this[dsl], mapper, options?.name);
    return new KStream(derivedStream<K, V, KR, V>(this[dsl], name, { keySerde: undefined, repartitionRequired: true }));
  }

  peek(action: (key: K, value: V) => void, options?: Named): KStream<K, V> {
    checkOperation(action, "action", options, "peek");
    return this.#then(NodePrefix.PEEK, options, "peek", peekSupplier(action), {});
  }

  foreach(action: (key: K, value: V) => void, options?: Named): void {
    checkOperation(action, "action", options, "foreach");
    addStreamOperation(this[dsl], NodePrefix.FOREACH, options?.name, "foreach", foreachSupplier(action), {});
  }

  /** Routes each record to the first branch whose predicate holds (Kafka Streams' BranchedKStream). */
  split(options?: Named): BranchedKStream<K, V> {
    return new BranchedKStream(this[dsl], options?.name);
  }

  merge(other: KStream<K, V>, options?: Named): KStream<K, V> {
    checkMerge(other, options);
    return new KStream<K, V>(mergeStreams(this[dsl], other[dsl], options?.name));
  }

  /** Writes to a topic, or to the topic a function picks per record. Serdes default to the stream's. */
  to(topic: string | TopicNameExtractor<K, V>, options?: ProducedOptions<K, V>): void {
    checkTo(topic, options);
    addTopicSink(this[dsl], topic, options);
  }

  /**
   * Sends the records through the repartition topic `<applicationId>-<name>-repartition`,
   * partitioned by their current key. Records with a null key are dropped before the topic,
   * unless a left or outer join downstream takes them (as in Kafka Streams since 3.7).
   */
  repartition(options?: RepartitionOptions<K, V>): KStream<K, V> {
    requireOptions(options, "repartitioned", "repartition");
    return new KStream<K, V>(repartitionStream(this[dsl], options));
  }

  groupByKey(options?: GroupedOptions<K, V>): KGroupedStream<K, V> {
    requireOptions(options, "grouped", "groupByKey");
    return new KGroupedStream<K, V>(groupedByKey(this[dsl], options));
  }

  /** Groups by a new key: the records go through a repartition topic first, as in Kafka Streams. */
  groupBy<KR>(selector: (key: K, value: V) => KR, options?: GroupedOptions<KR, V>): KGroupedStream<KR, V> {
    checkGroupBy(selector, options);
    return new KGroupedStream<KR, V>(groupedBy(this[dsl], selector, options));
  }

  /**
   * Each record joined with every record of the other stream with its key at most
   * `windows` apart in time (Kafka Streams' stream-stream join); a result is stamped with
   * the later of the two times.
   */
  join<VO, VR>(
    otherStream: KStream<K, VO>,
    joiner: (value: V, otherValue: VO, key: K) => VR,
    windows: JoinWindows,
    options?: StreamJoinedOptions<K, V, VO>,
  ): KStream<K, VR>;
  /** As join() of two streams, with Kafka Streams' ValueJoinerWithKey: apply(key, value, otherValue). */
  join<VO, VR>(
    otherStream: KStream<K, VO>,
    joiner: ValueJoinerWithKey<K, V, VO, VR>,
    windows: JoinWindows,
    options?: StreamJoinedOptions<K, V, VO>,
  ): KStream<K, VR>;
  /** Each record joined with the table's current value for its key; no row, no output. */
  join<VT, VR>(
    table: KTable<K, VT>,
    joiner: (value: V, tableValue: VT, key: K) => VR,
    options?: JoinedOptions<K, V>,
  ): KStream<K, VR>;
  /**
   * Each record joined with the global table's row for the key `keySelector` computes from
   * it; no row (or no key), no output. No co-partitioning, no repartition: every instance
   * has the whole table.
   */
  join<KG, VG, VR>(
    globalTable: GlobalKTable<KG, VG>,
    keySelector: (key: K, value: V) => KG | null | undefined,
    joiner: (value: V, globalValue: VG, key: K) => VR,
    options?: Named,
  ): KStream<K, VR>;
  join<VT, VR, KG, VG>(
    table: KTable<K, VT> | GlobalKTable<KG, VG> | KStream<K, VT>,
    joinerOrSelector:
      | ((value: V, tableValue: VT, key: K) => VR)
      | ((key: K, value: V) => KG | null | undefined)
      | StreamJoiner<K, V, VT, VR>,
    joinerOrOptions?: ((value: V, globalValue: VG, key: K) => VR) | JoinedOptions<K, V> | JoinWindows,
    options?: Named | StreamJoinedOptions<K, V, VT>,
  ): KStream<K, VR> {
    checkJoin("join", table instanceof KStream, table, joinerOrSelector, joinerOrOptions, options);
    if (table instanceof KStream) {
      return this.#joinStream<VT, VR>(
        table,
        joinerOrSelector as StreamJoiner<K, V, VT, VR>,
        joinerOrOptions,
        options as StreamJoinedOptions<K, V, VT> | undefined,
        "join",
      );
    }
    if (table instanceof GlobalKTable) {
      const keySelector = joinerOrSelector as (key: K, value: V) => KG | null | undefined;
      const joiner = joinerOrOptions as (value: V, globalValue: VG, key: K) => VR;
      const join = (value: V, globalValue: VG | null, key: K): VR => joiner(value, globalValue as VG, key);
      return new KStream(addStreamGlobalTableJoin(this[dsl], table, keySelector, join, false, options));
    }
    const joiner = joinerOrSelector as (value: V, tableValue: VT, key: K) => VR;
    const join = (value: V, tableValue: VT | null, key: K): VR => joiner(value, tableValue as VT, key);
    return new KStream(joinTable(this.#joinSide, table[dsl], join, false, joinerOrOptions as JoinedOptions<K, V>));
  }

  /**
   * As join() of two streams, and each record of this stream that finds no partner within
   * the window is joined with null once its window has closed (never before: no spurious results).
   */
  leftJoin<VO, VR>(
    otherStream: KStream<K, VO>,
    joiner: (value: V, otherValue: VO | null, key: K) => VR,
    windows: JoinWindows,
    options?: StreamJoinedOptions<K, V, VO>,
  ): KStream<K, VR>;
  leftJoin<VO, VR>(
    otherStream: KStream<K, VO>,
    joiner: ValueJoinerWithKey<K, V, VO | null, VR>,
    windows: JoinWindows,
    options?: StreamJoinedOptions<K, V, VO>,
  ): KStream<K, VR>;
  /** Each record joined with the table's current value for its key, or with null when there is none. */
  leftJoin<VT, VR>(
    table: KTable<K, VT>,
    joiner: (value: V, tableValue: VT | null, key: K) => VR,
    options?: JoinedOptions<K, V>,
  ): KStream<K, VR>;
  /** Each record joined with the global table's row for the key `keySelector` computes, or with null. */
  leftJoin<KG, VG, VR>(
    globalTable: GlobalKTable<KG, VG>,
    keySelector: (key: K, value: V) => KG | null | undefined,
    joiner: (value: V, globalValue: VG | null, key: K) => VR,
    options?: Named,
  ): KStream<K, VR>;
  leftJoin<VT, VR, KG, VG>(
    table: KTable<K, VT> | GlobalKTable<KG, VG> | KStream<K, VT>,
    joinerOrSelector:
      | ((value: V, tableValue: VT | null, key: K) => VR)
      | ((key: K, value: V) => KG | null | undefined)
      | StreamJoiner<K, V, VT | null, VR>,
    joinerOrOptions?: ((value: V, globalValue: VG | null, key: K) => VR) | JoinedOptions<K, V> | JoinWindows,
    options?: Named | StreamJoinedOptions<K, V, VT>,
  ): KStream<K, VR> {
    checkJoin("leftJoin", table instanceof KStream, table, joinerOrSelector, joinerOrOptions, options);
    if (table instanceof KStream) {
      return this.#joinStream<VT, VR>(
        table,
        joinerOrSelector as StreamJoiner<K, V, VT | null, VR>,
        joinerOrOptions,
        options as StreamJoinedOptions<K, V, VT> | undefined,
        "leftJoin",
      );
    }
    if (table instanceof GlobalKTable) {
      const keySelector = joinerOrSelector as (key: K, value: V) => KG | null | undefined;
      const joiner = joinerOrOptions as (value: V, globalValue: VG | null, key: K) => VR;
      return new KStream(addStreamGlobalTableJoin(this[dsl], table, keySelector, joiner, true, options));
    }
    const joiner = joinerOrSelector as (value: V, tableValue: VT | null, key: K) => VR;
    return new KStream(joinTable(this.#joinSide, table[dsl], joiner, true, joinerOrOptions as JoinedOptions<K, V>));
  }

  /**
   * As join() of two streams, and each record of either stream that finds no partner
   * within the window is joined with null (on the side it lacks) once its window has closed.
   */
  outerJoin<VO, VR>(
    otherStream: KStream<K, VO>,
    joiner: (value: V | null, otherValue: VO | null, key: K) => VR,
    windows: JoinWindows,
    options?: StreamJoinedOptions<K, V, VO>,
  ): KStream<K, VR>;
  outerJoin<VO, VR>(
    otherStream: KStream<K, VO>,
    joiner: ValueJoinerWithKey<K, V | null, VO | null, VR>,
    windows: JoinWindows,
    options?: StreamJoinedOptions<K, V, VO>,
  ): KStream<K, VR>;
  outerJoin<VO, VR>(
    otherStream: KStream<K, VO>,
    joiner: StreamJoiner<K, V | null, VO | null, VR>,
    windows: JoinWindows,
    options?: StreamJoinedOptions<K, V, VO>,
  ): KStream<K, VR> {
    checkJoin("outerJoin", true, otherStream, joiner, windows, options);
    return this.#joinStream<VO, VR>(otherStream, joiner, windows, options, "outerJoin");
  }

  #joinStream<VO, VR>(
    other: KStream<K, VO>,
    joiner: StreamJoiner<K, V, VO, VR> | StreamJoiner<K, V | null, VO | null, VR>,
    windows: unknown,
    options: StreamJoinedOptions<K, V, VO> | undefined,
    kind: StreamJoinKind,
  ): KStream<K, VR> {
    if (!(other instanceof KStream) || other[dsl].builder !== this[dsl].builder) {
      throw new InvalidOperationError(`${kind}() needs another stream of the same StreamsBuilder`);
    }
    return new KStream<K, VR>(joinStreams(this.#joinSide, other.#joinSide, joiner, windows, options, kind));
  }

  get #joinSide(): JoinSide<K, V> {
    return { state: this[dsl], repartition: this.#joinRepartition };
  }

  /**
   * Runs a processor of your own (the Processor API); the result may have any key, so it
   * is marked for repartitioning. A supplier object may bring its stores (stores()).
   */
  process<KOut = never, VOut = never>(
    supplier: AnyProcessorSupplier<K, V, KOut, VOut>,
    options?: ProcessOptions,
  ): KStream<KOut, VOut> {
    checkProcess(supplier, options, "process");
    return new KStream<KOut, VOut>(addProcess(this[dsl], supplier, options));
  }

  /**
   * Runs a processor that may change values but not keys (Kafka Streams' processValues
   * with a FixedKeyProcessor): the stream keeps its key serde and needs no repartitioning.
   */
  processValues<VOut = never>(
    supplier: FixedKeySupplierArgument<K, V, VOut>,
    options?: ProcessOptions,
  ): KStream<K, VOut> {
    checkProcess(supplier, options, "processValues");
    return new KStream<K, VOut>(addProcessValues(this[dsl], supplier, options));
  }

  /**
   * The stream read as a table (the latest value per key; a null value deletes), as Kafka
   * Streams' toTable(). The table is materialized when given a store name, or when a join
   * or groupBy needs to read it. A key changed upstream goes through a repartition topic.
   */
  toTable(options?: ToTableOptions<K, V>): KTable<K, V> {
    requireOptions(options, "materialized", "toTable");
    return new KTable<K, V>(addStreamToTable(this[dsl], options));
  }

  /** Prints each record, "[<label>]: <key>, <value>", to stdout or elsewhere (Kafka Streams' print(Printed)). */
  print(options?: PrintOptions<K, V>): void {
    requireOptions(options, "printed", "print");
    addPrint(this[dsl], options);
  }

  /**
   * Handles each record as a command for the aggregate named by its key: decide() turns
   * (state, command) into events and a reply, or a rejection; evolve() folds the events
   * into the state stored in `store`; events go to `events.topic`, the reply to the
   * command's `reply-to` header topic (or `replies.topic`) with its `correlation-id`.
   * Returns the events, keyed by aggregate, for deriving read models.
   */
  handleCommands<S, E, R, C = V>(options: HandleCommandsOptions<K, C, S, E, R>): KStream<K, E> {
    return new KStream<K, E>(addCommandHandler(this[dsl], options));
  }

  /** A stateless operation's node after this stream's, and the stream after it. */
  #then<KR = K, VR = V>(
    prefix: string,
    options: Named | undefined,
    operation: string,
    supplier: ProcessorSupplier<K, V, unknown, unknown>,
    changes: StreamChanges<KR, VR>,
  ): KStream<KR, VR> {
    return new KStream<KR, VR>(addStreamOperation(this[dsl], prefix, options?.name, operation, supplier, changes));
  }
}

/** What map() and flatMap() change: the key may change (repartition before grouping or joining), and the value. */
const KEY_AND_VALUE_CHANGED = Object.freeze({ keySerde: undefined, valueSerde: undefined, repartitionRequired: true });
/** What mapValues() and flatMapValues() change. */
const VALUE_CHANGED = Object.freeze({ valueSerde: undefined });
