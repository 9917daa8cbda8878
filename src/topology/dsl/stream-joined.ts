// The options of a stream-stream join (Kafka Streams' StreamJoined), as a plain object
// or built the Java way: StreamJoined.with(keySerde, valueSerde, otherValueSerde)
// .withName("orders-payments").withStoreName("orders-payments-store"). And the two
// shapes a joiner may take: a function (value, otherValue, key), or Kafka Streams'
// ValueJoinerWithKey, an object whose apply(key, value, otherValue) gets the key first.
import type { Serde } from "../../serdes/serde.js";
import type { SerdeOf } from "./dsl-options.js";
import type { DslStoreSuppliers } from "../dsl-store-suppliers.js";
import type { WindowStoreSupplier } from "../stores.js";

export interface StreamJoinedOptions<K, V, VO> {
  /** The key serde of both sides (their repartition topics and stores); the streams' own when absent. */
  key?: SerdeOf<K> | undefined;
  /** This stream's value serde. */
  value?: SerdeOf<V> | undefined;
  /** The other stream's value serde. */
  otherValue?: SerdeOf<VO> | undefined;
  /**
   * Names the join's nodes (`<name>-this-windowed`, `<name>-this-join`, `<name>-merge`, ...)
   * and its repartition topics (`<name>-left-repartition`, `<name>-right-repartition`).
   */
  name?: string | undefined;
  /** Names the stores `<storeName>-this-join-store`, `<storeName>-other-join-store` (and the outer join's shared one). */
  storeName?: string | undefined;
  /** LevelDB (true, the default) or in memory. */
  persistent?: boolean | undefined;
  /** Changelog the join stores (default true). */
  logging?: boolean | undefined;
  /** This side's window store (Stores.inMemoryWindowStore / persistentWindowStore): its name, its kind. */
  thisStoreSupplier?: WindowStoreSupplier | undefined;
  /** The other side's window store. */
  otherStoreSupplier?: WindowStoreSupplier | undefined;
  /**
   * The kind of every join store no supplier gives, the left and outer joins' shared store
   * included (Kafka Streams' withDslStoreSuppliers): "rocksDB" or "in_memory".
   */
  dslStoreSuppliers?: DslStoreSuppliers | undefined;
}

/** Kafka Streams' ValueJoinerWithKey: the key comes first. */
export interface ValueJoinerWithKey<K, V, VO, VR> {
  apply(readOnlyKey: K, value: V, otherValue: VO): VR;
}

/** A joiner as a function of (value, otherValue, key), or a ValueJoinerWithKey. */
export type StreamJoiner<K, V, VO, VR> = ((value: V, otherValue: VO, key: K) => VR) | ValueJoinerWithKey<K, V, VO, VR>;

/** The joiner as a function of (value, otherValue, key), whichever shape it was given in. */
export function joinerFunction<K, V, VO, VR>(
  joiner: StreamJoiner<K, V, VO, VR>,
  call: string,
): (value: V, otherValue: VO, key: K) => VR {
  if (typeof joiner === "function") return joiner;
  if (joiner !== null && typeof joiner === "object" && typeof joiner.apply === "function") {
    return (value, otherValue, key) => joiner.apply(key, value, otherValue);
  }
  throw new TypeError(
    `${call} needs a joiner: a function (value, otherValue, key) or an object with apply(key, value, otherValue)`,
  );
}

/** Kafka Streams' StreamJoined, immutable: each with...() returns a new one. */
export class StreamJoined<K, V, VO> implements StreamJoinedOptions<K, V, VO> {
  readonly key: SerdeOf<K> | undefined;
  readonly value: SerdeOf<V> | undefined;
  readonly otherValue: SerdeOf<VO> | undefined;
  readonly name: string | undefined;
  readonly storeName: string | undefined;
  readonly persistent: boolean | undefined;
  readonly logging: boolean | undefined;
  readonly thisStoreSupplier: WindowStoreSupplier | undefined;
  readonly otherStoreSupplier: WindowStoreSupplier | undefined;
  readonly dslStoreSuppliers: DslStoreSuppliers | undefined;

  private constructor(options: StreamJoinedOptions<K, V, VO>) {
    this.key = options.key;
    this.value = options.value;
    this.otherValue = options.otherValue;
    this.name = options.name;
    this.storeName = options.storeName;
    this.persistent = options.persistent;
    this.logging = options.logging;
    this.thisStoreSupplier = options.thisStoreSupplier;
    this.otherStoreSupplier = options.otherStoreSupplier;
    this.dslStoreSuppliers = options.dslStoreSuppliers;
  }

  static with<K, V, VO>(
    keySerde?: Serde<K> | null,
    valueSerde?: Serde<V> | null,
    otherValueSerde?: Serde<VO> | null,
  ): StreamJoined<K, V, VO> {
    return new StreamJoined<K, V, VO>({
      key: (keySerde ?? undefined) as SerdeOf<K> | undefined,
      value: (valueSerde ?? undefined) as SerdeOf<V> | undefined,
      otherValue: (otherValueSerde ?? undefined) as SerdeOf<VO> | undefined,
    });
  }

  static as<K, V, VO>(storeName: string): StreamJoined<K, V, VO> {
    return new StreamJoined<K, V, VO>({ storeName });
  }

  withName(name: string): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.#options(), name });
  }

  withStoreName(storeName: string): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.#options(), storeName });
  }

  withKeySerde(key: Serde<K>): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.#options(), key: key as SerdeOf<K> });
  }

  withValueSerde(value: Serde<V>): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.#options(), value: value as SerdeOf<V> });
  }

  withOtherValueSerde(otherValue: Serde<VO>): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.#options(), otherValue: otherValue as SerdeOf<VO> });
  }

  /** The join stores in memory (false) or in LevelDB (true, the default). */
  withPersistent(persistent: boolean): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.#options(), persistent });
  }

  withLoggingEnabled(): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.#options(), logging: true });
  }

  withLoggingDisabled(): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.#options(), logging: false });
  }

  withThisStoreSupplier(thisStoreSupplier: WindowStoreSupplier): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.#options(), thisStoreSupplier });
  }

  withOtherStoreSupplier(otherStoreSupplier: WindowStoreSupplier): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.#options(), otherStoreSupplier });
  }

  withDslStoreSuppliers(dslStoreSuppliers: DslStoreSuppliers): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.#options(), dslStoreSuppliers });
  }

  #options(): StreamJoinedOptions<K, V, VO> {
    return {
      key: this.key,
      value: this.value,
      otherValue: this.otherValue,
      name: this.name,
      storeName: this.storeName,
      persistent: this.persistent,
      logging: this.logging,
      thisStoreSupplier: this.thisStoreSupplier,
      otherStoreSupplier: this.otherStoreSupplier,
      dslStoreSuppliers: this.dslStoreSuppliers,
    };
  }
}
