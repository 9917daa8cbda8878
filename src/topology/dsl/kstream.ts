// KStream: an unbounded stream of records, as Kafka Streams' KStream. Every operation
// adds nodes to the builder's graph and returns a new handle; the names, the
// repartitioning and the serde inheritance rules are Kafka Streams' (see KStreamImpl):
// an operation that may change the key drops the key serde and marks the stream for
// repartitioning before any grouping or join; one that may change the value drops the
// value serde. What toTable(), process(), handleCommands() and the table joins add to the
// graph is built in files of their own (stream-to-table.ts, stateful-processor.ts,
// handle-commands.ts, stream-table-joins.ts, join-repartition.ts).
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
import { anySerde, dsl } from "./dsl-state.js";
import type { StreamState } from "./dsl-state.js";
import { InvalidOperationError } from "../errors.js";
import { requireFunction } from "./dsl-arguments.js";
import { checkName } from "../legal-names.js";
import { KGroupedStream } from "./kgrouped-stream.js";
import { KTable } from "./ktable.js";
import { NodePrefix } from "../node-names.js";
import type {
  AnyProcessorSupplier,
  FixedKeyProcessorSupplier,
  ProcessorSupplier,
  StreamPartitioner,
  TopicNameExtractor,
} from "../processor.js";
import { unpackSupplier } from "../processor.js";
import { describeTopicExtractor } from "../topic-extractor-description.js";
import type { StateStoreOptions } from "../store-options.js";
import { fixedKeyProcessorSupplier } from "./processors/fixed-key-processor.js";
import { printSupplier, printable } from "./processors/print-processor.js";
import type { PrintTarget } from "./processors/print-processor.js";
import { GlobalKTable } from "./global-ktable.js";
import { JoinWindows } from "./join-windows.js";
import { addStreamStreamJoin } from "./stream-stream-join.js";
import type { StreamJoinKind } from "./stream-stream-join.js";
import { joinerFunction } from "./stream-joined.js";
import type { StreamJoinedOptions, StreamJoiner, ValueJoinerWithKey } from "./stream-joined.js";
import {
  filterSupplier,
  flatMapSupplier,
  flatMapValuesSupplier,
  foreachSupplier,
  mapSupplier,
  mapValuesSupplier,
  passThroughSupplier,
  peekSupplier,
} from "./processors/stream-processors.js";
import { addRepartition, repartitionNames } from "./repartition.js";
import type { Serde } from "../../serdes/serde.js";
import { addCommandHandler } from "./handle-commands.js";
import { JoinRepartition } from "./join-repartition.js";
import { addStatefulProcessor } from "./stateful-processor.js";
import { addStreamGlobalTableJoin, addStreamTableJoin } from "./stream-table-joins.js";
import { addStreamToTable } from "./stream-to-table.js";

type AnySupplier = ProcessorSupplier<unknown, unknown, unknown, unknown>;

export interface ProcessOptions extends Named {
  /** Stores the processor may open with context.getStateStore(name). */
  stores?: readonly string[];
}

/** KStream.print(): Kafka Streams' Printed. */
export interface PrintOptions<K, V> extends Named {
  /** Printed in brackets before each record; the name of the node printed by default. */
  label?: string;
  /** What to print of a record: "<key>, <value>" by default. */
  mapper?: (key: K, value: V) => string;
  /** "stdout" (the default), "stderr", { file } (appended to), or a function given each line. */
  to?: PrintTarget;
}

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
    requireFunction(predicate, "predicate", "filter");
    const name = this.#builder.nameOr(NodePrefix.FILTER, options?.name);
    this.#addProcessor(name, "filter", filterSupplier(predicate, false));
    return this.#derive(name, {});
  }

  filterNot(predicate: (key: K, value: V) => boolean, options?: Named): KStream<K, V> {
    requireFunction(predicate, "predicate", "filterNot");
    const name = this.#builder.nameOr(NodePrefix.FILTER, options?.name);
    this.#addProcessor(name, "filterNot", filterSupplier(predicate, true));
    return this.#derive(name, {});
  }

  /** A new key and value for each record: the stream will be repartitioned before grouping or joining. */
  map<KR, VR>(mapper: (key: K, value: V) => KeyValue<KR, VR>, options?: Named): KStream<KR, VR> {
    requireFunction(mapper, "mapper", "map");
    const name = this.#builder.nameOr(NodePrefix.MAP, options?.name);
    this.#addProcessor(name, "map", mapSupplier(mapper));
    return this.#derive<KR, VR>(name, { keySerde: undefined, valueSerde: undefined, repartitionRequired: true });
  }

  mapValues<VR>(mapper: (value: V, key: K) => VR, options?: Named): KStream<K, VR> {
    requireFunction(mapper, "mapper", "mapValues");
    const name = this.#builder.nameOr(NodePrefix.MAPVALUES, options?.name);
    this.#addProcessor(name, "mapValues", mapValuesSupplier(mapper));
    return this.#derive<K, VR>(name, { valueSerde: undefined });
  }

  flatMap<KR, VR>(mapper: (key: K, value: V) => Iterable<KeyValue<KR, VR>>, options?: Named): KStream<KR, VR> {
    requireFunction(mapper, "mapper", "flatMap");
    const name = this.#builder.nameOr(NodePrefix.FLATMAP, options?.name);
    this.#addProcessor(name, "flatMap", flatMapSupplier(mapper));
    return this.#derive<KR, VR>(name, { keySerde: undefined, valueSerde: undefined, repartitionRequired: true });
  }

  flatMapValues<VR>(mapper: (value: V, key: K) => Iterable<VR>, options?: Named): KStream<K, VR> {
    requireFunction(mapper, "mapper", "flatMapValues");
    const name = this.#builder.nameOr(NodePrefix.FLATMAPVALUES, options?.name);
    this.#addProcessor(name, "flatMapValues", flatMapValuesSupplier(mapper));
    return this.#derive<K, VR>(name, { valueSerde: undefined });
  }

  /** A new key for each record: the stream will be repartitioned before grouping or joining. */
  selectKey<KR>(mapper: (key: K, value: V) => KR, options?: Named): KStream<KR, V> {
    requireFunction(mapper, "mapper", "selectKey");
    const name = this.#selectKeyNode(mapper, options?.name);
    return this.#derive<KR, V>(name, { keySerde: undefined, repartitionRequired: true });
  }

  peek(action: (key: K, value: V) => void, options?: Named): KStream<K, V> {
    requireFunction(action, "action", "peek");
    const name = this.#builder.nameOr(NodePrefix.PEEK, options?.name);
    this.#addProcessor(name, "peek", peekSupplier(action));
    return this.#derive(name, {});
  }

  foreach(action: (key: K, value: V) => void, options?: Named): void {
    requireFunction(action, "action", "foreach");
    const name = this.#builder.nameOr(NodePrefix.FOREACH, options?.name);
    this.#addProcessor(name, "foreach", foreachSupplier(action) as AnySupplier);
  }

  /** Routes each record to the first branch whose predicate holds (Kafka Streams' BranchedKStream). */
  split(options?: Named): BranchedKStream<K, V> {
    return new BranchedKStream(this[dsl], options?.name);
  }

  merge(other: KStream<K, V>, options?: Named): KStream<K, V> {
    const mine = this[dsl];
    const theirs = other[dsl];
    if (theirs.builder !== mine.builder)
      throw new InvalidOperationError("merge() needs two streams of the same StreamsBuilder");
    const name = this.#builder.nameOr(NodePrefix.MERGE, options?.name);
    this.#builder.addProcessor({
      name,
      operation: "merge",
      supplier: passThroughSupplier() as AnySupplier,
      parents: [mine.name, theirs.name],
    });
    // Kafka Streams drops both serdes here; keeping the ones both sides agree on loses nothing.
    return new KStream<K, V>({
      builder: mine.builder,
      name,
      keySerde: mine.keySerde === theirs.keySerde ? mine.keySerde : undefined,
      valueSerde: mine.valueSerde === theirs.valueSerde ? mine.valueSerde : undefined,
      sourceNodes: new Set([...mine.sourceNodes, ...theirs.sourceNodes]),
      repartitionRequired: mine.repartitionRequired || theirs.repartitionRequired,
    });
  }

  /** Writes to a topic, or to the topic a function picks per record. Serdes default to the stream's. */
  to(topic: string | TopicNameExtractor<K, V>, options?: ProducedOptions<K, V>): void {
    const state = this[dsl];
    const name = this.#builder.nameOr(NodePrefix.SINK, options?.name);
    const extractor = typeof topic === "function" ? topic : undefined;
    this.#builder.addSink({
      name,
      parents: [state.name],
      ...(extractor === undefined
        ? { topic: topic as string }
        : {
            topicExtractor: extractor as TopicNameExtractor<unknown, unknown>,
            extractorDescription: describeTopicExtractor(extractor),
          }),
      keySerde: anySerde(options?.key ?? state.keySerde),
      valueSerde: anySerde(options?.value ?? state.valueSerde),
      partitioner: options?.partitioner as StreamPartitioner<unknown, unknown> | undefined,
      serdeHint: "pass { {part}: <serde> } to to()",
    });
  }

  /** Sends the records through the repartition topic `<applicationId>-<name>-repartition`, partitioned by their current key. */
  repartition(options?: RepartitionOptions<K, V>): KStream<K, V> {
    const state = this[dsl];
    // As KStream#repartition in Kafka Streams: a given name burns no index.
    const prefix =
      options?.name === undefined
        ? this.#builder.newProcessorName(NodePrefix.REPARTITION)
        : checkName(options.name, "Repartition name");
    const names = repartitionNames(this.#builder, prefix);
    const keySerde = options?.key ?? state.keySerde;
    const valueSerde = options?.value ?? state.valueSerde;
    const source = addRepartition(this.#builder, names, {
      parent: state.name,
      keySerde,
      valueSerde,
      ...(options?.partitions !== undefined ? { partitions: options.partitions } : {}),
      ...(options?.partitioner !== undefined ? { partitioner: options.partitioner } : {}),
      dropNullKeys: false,
      serdeOrigin: "repartition()",
    });
    return new KStream<K, V>({
      builder: state.builder,
      name: source,
      keySerde,
      valueSerde,
      sourceNodes: new Set([source]),
      repartitionRequired: false,
    });
  }

  groupByKey(options?: GroupedOptions<K, V>): KGroupedStream<K, V> {
    const state = this[dsl];
    return new KGroupedStream<K, V>({
      builder: state.builder,
      name: state.name,
      keySerde: options?.key ?? state.keySerde,
      valueSerde: options?.value ?? state.valueSerde,
      sourceNodes: state.sourceNodes,
      repartitionRequired: state.repartitionRequired,
      groupedName: options?.name,
    });
  }

  /** Groups by a new key: the records go through a repartition topic first, as in Kafka Streams. */
  groupBy<KR>(selector: (key: K, value: V) => KR, options?: GroupedOptions<KR, V>): KGroupedStream<KR, V> {
    const state = this[dsl];
    const name = this.#selectKeyNode(selector, options?.name);
    return new KGroupedStream<KR, V>({
      builder: state.builder,
      name,
      keySerde: options?.key,
      valueSerde: options?.value ?? state.valueSerde,
      sourceNodes: state.sourceNodes,
      repartitionRequired: true,
      groupedName: options?.name,
    });
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
      const joiner = joinerOrOptions as (value: V, globalValue: VG, key: K) => VR;
      return this.#joinGlobalTable(
        table,
        joinerOrSelector as (key: K, value: V) => KG | null | undefined,
        (value, globalValue, key) => joiner(value, globalValue as VG, key),
        false,
        options,
      );
    }
    const joiner = joinerOrSelector as (value: V, tableValue: VT, key: K) => VR;
    return this.#joinTable(
      table,
      (value, tableValue, key) => joiner(value, tableValue as VT, key),
      false,
      joinerOrOptions as JoinedOptions<K, V> | undefined,
    );
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
      return this.#joinGlobalTable(
        table,
        joinerOrSelector as (key: K, value: V) => KG | null | undefined,
        joinerOrOptions as (value: V, globalValue: VG | null, key: K) => VR,
        true,
        options,
      );
    }
    return this.#joinTable(
      table,
      joinerOrSelector as (value: V, tableValue: VT | null, key: K) => VR,
      true,
      joinerOrOptions as JoinedOptions<K, V> | undefined,
    );
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
    return this.#joinStream<VO, VR>(otherStream, joiner, windows, options, "outerJoin");
  }

  #joinStream<VO, VR>(
    other: KStream<K, VO>,
    joiner: StreamJoiner<K, V, VO, VR> | StreamJoiner<K, V | null, VO | null, VR>,
    windows: unknown,
    options: StreamJoinedOptions<K, V, VO> | undefined,
    kind: StreamJoinKind,
  ): KStream<K, VR> {
    const mine = this[dsl];
    if (!(other instanceof KStream) || other[dsl].builder !== mine.builder) {
      throw new InvalidOperationError(`${kind}() needs another stream of the same StreamsBuilder`);
    }
    if (!(windows instanceof JoinWindows)) {
      throw new InvalidOperationError(
        `${kind}() of two streams needs JoinWindows, such as JoinWindows.ofTimeDifferenceWithNoGrace(ms)`,
      );
    }
    const join = joinerFunction(joiner as StreamJoiner<K, V | null, VO | null, VR>, `${kind}()`);
    const name = options?.name;
    const thisSide = this.#repartitionForJoin(
      name === undefined ? undefined : `${name}-left`,
      options?.key,
      options?.value,
      kind === "join",
      `${kind}()`,
    );
    const otherSide = other.#repartitionForJoin(
      name === undefined ? undefined : `${name}-right`,
      options?.key,
      options?.otherValue,
      kind !== "outerJoin",
      `${kind}()`,
    );
    const sourceNodes = new Set([...thisSide.sourceNodes, ...otherSide.sourceNodes]);
    const result = addStreamStreamJoin<K, V, VO, VR>({
      thisSide,
      otherSide,
      joiner: join,
      windows,
      options,
      kind,
    });
    mine.builder.addCopartitionGroup(result.name, sourceNodes);
    return new KStream<K, VR>({
      builder: mine.builder,
      name: result.name,
      keySerde: result.keySerde,
      valueSerde: undefined,
      sourceNodes,
      repartitionRequired: false,
    });
  }

  /** The stream as a join needs it: through a repartition topic first if its key changed (see join-repartition.ts). */
  #repartitionForJoin(
    userPrefix: string | undefined,
    keySerde: Serde<K> | undefined,
    valueSerde: Serde<V> | undefined,
    dropNullKeys: boolean,
    call: string,
  ): StreamState<K, V> {
    return this.#joinRepartition.of(this[dsl], { userPrefix, keySerde, valueSerde, dropNullKeys, call });
  }

  #joinGlobalTable<KG, VG, VR>(
    table: GlobalKTable<KG, VG>,
    keySelector: (key: K, value: V) => KG | null | undefined,
    joiner: (value: V, globalValue: VG | null, key: K) => VR,
    leftJoin: boolean,
    options: Named | undefined,
  ): KStream<K, VR> {
    return new KStream<K, VR>(addStreamGlobalTableJoin(this[dsl], table, keySelector, joiner, leftJoin, options));
  }

  /**
   * Runs a processor of your own (the Processor API); the result may have any key, so it
   * is marked for repartitioning. A supplier object may bring its stores (stores()).
   */
  process<KOut = never, VOut = never>(
    supplier: AnyProcessorSupplier<K, V, KOut, VOut>,
    options?: ProcessOptions,
  ): KStream<KOut, VOut> {
    // As KStream#process in Kafka Streams: a given name burns no index.
    const name =
      options?.name === undefined
        ? this.#builder.newProcessorName(NodePrefix.PROCESSOR)
        : checkName(options.name, "Processor name");
    const unpacked = unpackSupplier(supplier);
    addStatefulProcessor(this.#builder, {
      name,
      operation: "process",
      supplier: unpacked.supplier as AnySupplier,
      parent: this[dsl].name,
      storeNames: options?.stores,
      suppliedStores: unpacked.stores,
    });
    return this.#derive<KOut, VOut>(name, { keySerde: undefined, valueSerde: undefined, repartitionRequired: true });
  }

  /**
   * Runs a processor that may change values but not keys (Kafka Streams' processValues
   * with a FixedKeyProcessor): the stream keeps its key serde and needs no repartitioning.
   */
  processValues<VOut = never>(
    supplier:
      | FixedKeyProcessorSupplier<K, V, VOut>
      | {
          get(): ReturnType<FixedKeyProcessorSupplier<K, V, VOut>>;
          stores?(): readonly StateStoreOptions<unknown, unknown>[];
        },
    options?: ProcessOptions,
  ): KStream<K, VOut> {
    const name =
      options?.name === undefined
        ? this.#builder.newProcessorName(NodePrefix.PROCESSVALUES)
        : checkName(options.name, "Processor name");
    const unpacked = unpackSupplier(
      typeof supplier === "function"
        ? supplier
        : { get: () => supplier.get(), stores: () => supplier.stores?.() ?? [] },
    );
    addStatefulProcessor(this.#builder, {
      name,
      operation: "processValues",
      supplier: fixedKeyProcessorSupplier(unpacked.supplier) as AnySupplier,
      parent: this[dsl].name,
      storeNames: options?.stores,
      suppliedStores: unpacked.stores,
    });
    return this.#derive<K, VOut>(name, { valueSerde: undefined });
  }

  /**
   * The stream read as a table (the latest value per key; a null value deletes), as Kafka
   * Streams' toTable(). The table is materialized when given a store name, or when a join
   * or groupBy needs to read it. A key changed upstream goes through a repartition topic.
   */
  toTable(options?: ToTableOptions<K, V>): KTable<K, V> {
    return new KTable<K, V>(addStreamToTable(this[dsl], options));
  }

  /** Prints each record, "[<label>]: <key>, <value>", to stdout or elsewhere (Kafka Streams' print(Printed)). */
  print(options?: PrintOptions<K, V>): void {
    const name = this.#builder.nameOr(NodePrefix.PRINTING, options?.name);
    const mapper = options?.mapper ?? ((key: K, value: V) => `${printable(key)}, ${printable(value)}`);
    this.#addProcessor(
      name,
      "print",
      printSupplier(options?.label ?? this.name, mapper, options?.to ?? "stdout") as AnySupplier,
    );
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

  get #builder(): StreamState<K, V>["builder"] {
    return this[dsl].builder;
  }

  #addProcessor(name: string, operation: string, supplier: ProcessorSupplier<K, V, unknown, unknown>): void {
    this.#builder.addProcessor({ name, operation, supplier: supplier as AnySupplier, parents: [this[dsl].name] });
  }

  #selectKeyNode<KR>(mapper: (key: K, value: V) => KR, userName: string | undefined): string {
    const name = this.#builder.nameOr(NodePrefix.KEY_SELECT, userName);
    this.#addProcessor(
      name,
      "selectKey",
      mapSupplier<K, V, KR, V>((key, value) => ({ key: mapper(key, value), value })),
    );
    return name;
  }

  #derive<KR = K, VR = V>(
    name: string,
    changes: { keySerde?: Serde<KR> | undefined; valueSerde?: Serde<VR> | undefined; repartitionRequired?: boolean },
  ): KStream<KR, VR> {
    const state = this[dsl];
    return new KStream<KR, VR>({
      builder: state.builder,
      name,
      keySerde: "keySerde" in changes ? changes.keySerde : (state.keySerde as unknown as Serde<KR> | undefined),
      valueSerde: "valueSerde" in changes ? changes.valueSerde : (state.valueSerde as unknown as Serde<VR> | undefined),
      sourceNodes: state.sourceNodes,
      repartitionRequired: changes.repartitionRequired ?? state.repartitionRequired,
    });
  }

  #joinTable<VT, VR>(
    table: KTable<K, VT>,
    joiner: (value: V, tableValue: VT | null, key: K) => VR,
    leftJoin: boolean,
    options: JoinedOptions<K, V> | undefined,
  ): KStream<K, VR> {
    const tableState = table[dsl];
    if (tableState.builder !== this[dsl].builder)
      throw new InvalidOperationError("join() needs a table of the same StreamsBuilder");
    // Kafka Streams names the topic after the join's name, else after this stream's node.
    const state = this.#repartitionForJoin(
      options?.name,
      options?.key,
      options?.value,
      !leftJoin,
      leftJoin ? "leftJoin()" : "join()",
    );
    return new KStream<K, VR>(
      addStreamTableJoin(state, tableState, joiner, leftJoin, options?.name, options?.gracePeriodMs),
    );
  }
}
