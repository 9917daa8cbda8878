// Stream-stream joins as Kafka Streams' KStreamImplJoin builds them: each side goes
// through a KSTREAM-WINDOWED node that keeps its records in its window store
// (KSTREAM-JOINTHIS-...-store, KSTREAM-JOINOTHER-...-store: retention before + after +
// grace, duplicates kept, changelogged), then a join node that looks up the other
// side's store (JOINTHIS / JOINOTHER, OUTERTHIS / OUTEROTHER for the outer sides), and a
// KSTREAM-MERGE node joins the two into the result. A left or outer join adds the shared
// store of records still waiting for a partner (KSTREAM-OUTERSHARED-...-store). Names
// are spent in Kafka Streams' order, so nodes, stores and changelogs are named alike.
import type { Serde } from "../../serdes/serde.js";
import { derivedSerde } from "../default-serdes.js";
import { checkName } from "../legal-names.js";
import { NodePrefix } from "../node-names.js";
import type { ProcessorSupplier } from "../processor.js";
import { anySerde } from "./dsl-state.js";
import type { StreamState } from "./dsl-state.js";
import type { JoinWindows } from "./join-windows.js";
import {
  leftOrRightValueListSerde,
  timestampedKeyAndJoinSideSerde,
} from "./processors/stream-join/outer-join-store-format.js";
import { joinWindowSupplier } from "./processors/stream-join/join-window.js";
import { streamSelfJoinSupplier } from "./processors/stream-join/kstream-kstream-self-join.js";
import { JoinTimeTrackers, streamJoinSideSupplier } from "./processors/stream-join/kstream-kstream-join.js";
import { passThroughSupplier } from "./processors/stream-processors.js";
import { markNullKeyRelaxedJoin } from "./null-key-relaxed-joins.js";
import type { StreamJoinedOptions } from "./stream-joined.js";
import { dslStoresPersistent } from "../dsl-store-suppliers.js";
import { InvalidOperationError } from "../errors.js";
import type { WindowStoreSupplier } from "../stores.js";

type AnySupplier = ProcessorSupplier<unknown, unknown, unknown, unknown>;

export type StreamJoinKind = "join" | "leftJoin" | "outerJoin";

export interface StreamStreamJoinSpec<K, V, VO, VR> {
  /** Both sides, already repartitioned if their keys changed. */
  readonly thisSide: StreamState<K, V>;
  readonly otherSide: StreamState<K, VO>;
  /** In the left stream's terms; a missing side is null. */
  readonly joiner: (value: V | null, otherValue: VO | null, key: K) => VR;
  readonly windows: JoinWindows;
  readonly options: StreamJoinedOptions<K, V, VO> | undefined;
  readonly kind: StreamJoinKind;
}

/** Adds the join's nodes and stores; returns the merge node's name and the key serde of the result. */
export function addStreamStreamJoin<K, V, VO, VR>(
  spec: StreamStreamJoinSpec<K, V, VO, VR>,
): { name: string; keySerde: Serde<K> | undefined } {
  const { thisSide, otherSide, windows, options, kind } = spec;
  const builder = thisSide.builder;
  const leftOuter = kind !== "join";
  // Kafka Streams' KStreamImplJoin: no shared store when the deprecated JoinWindows.of() turned the fix off.
  const sharedStore = leftOuter && windows.spuriousResultFix;
  const rightOuter = kind === "outerJoin";
  const name = options?.name;
  const joinThisSuffix = rightOuter ? "-outer-this-join" : "-this-join";
  const joinOtherSuffix = leftOuter ? "-outer-other-join" : "-other-join";

  const thisWindowedName = builder.suffixedOr(name, "-this-windowed", NodePrefix.WINDOWED);
  const otherWindowedName = builder.suffixedOr(name, "-other-windowed", NodePrefix.WINDOWED);
  const joinThisGenerated = builder.newProcessorName(rightOuter ? NodePrefix.OUTERTHIS : NodePrefix.JOINTHIS);
  const joinOtherGenerated = builder.newProcessorName(leftOuter ? NodePrefix.OUTEROTHER : NodePrefix.JOINOTHER);
  const joinThisName = name === undefined ? joinThisGenerated : checkName(`${name}${joinThisSuffix}`, "Processor name");
  const joinOtherName =
    name === undefined ? joinOtherGenerated : checkName(`${name}${joinOtherSuffix}`, "Processor name");
  const mergeName = builder.suffixedOr(name, "-merge", NodePrefix.MERGE);

  const storeName = options?.storeName;
  const thisSupplier = options?.thisStoreSupplier;
  const otherSupplier = options?.otherStoreSupplier;
  checkStoreSuppliers(thisSupplier, otherSupplier, windows);
  const thisStore =
    thisSupplier?.name ?? `${storeName === undefined ? joinThisGenerated : `${storeName}${joinThisSuffix}`}-store`;
  const otherStore =
    otherSupplier?.name ?? `${storeName === undefined ? joinOtherGenerated : `${storeName}${joinOtherSuffix}`}-store`;
  // Kafka Streams' OuterStreamJoinStoreFactory: named after this side's supplier, else the store name.
  const sharedPrefix = thisSupplier !== undefined && thisSupplier.name !== "" ? thisSupplier.name : storeName;
  const outerStore = sharedStore
    ? `${
        sharedPrefix === undefined
          ? `${NodePrefix.OUTERSHARED}${joinThisGenerated.slice((rightOuter ? NodePrefix.OUTERTHIS : NodePrefix.JOINTHIS).length)}`
          : `${sharedPrefix}${rightOuter ? "-outer-shared-join" : "-left-shared-join"}`
      }-store`
    : undefined;

  // The stores take their serdes from StreamJoined only, the configuration's defaults where it
  // gives none, never the streams' (Kafka Streams' StreamJoinedStoreFactory and
  // OuterStreamJoinStoreFactory): a store's bytes, and its changelog's, are Kafka Streams'.
  const keySerde = options?.key;
  const valueSerde = options?.value;
  const otherValueSerde = options?.otherValue;
  // A supplier's kind first, then the join's (withDslStoreSuppliers, or persistent), then the topology's.
  const persistent =
    dslStoresPersistent(options?.dslStoreSuppliers, "dslStoreSuppliers") ?? options?.persistent ?? undefined;
  const logged = options?.logging !== undefined ? { logging: options.logging } : {};
  const kindOf = (supplied: boolean | undefined) => {
    const kind = supplied ?? persistent;
    return kind === undefined ? {} : { persistent: kind };
  };
  const joinStore = (
    store: string,
    value: Serde<unknown> | undefined,
    valueOption: string,
    supplier: WindowStoreSupplier | undefined,
  ): void => {
    builder.addStore({
      name: store,
      type: "window",
      timestamped: false,
      caching: false,
      windowed: {
        windowSizeMs: windows.size(),
        retentionMs: windows.size() + windows.gracePeriodMs(),
        retainDuplicates: true,
      },
      keySerde: anySerde(keySerde),
      valueSerde: value,
      ...kindOf(supplier?.persistent),
      ...logged,
      serdeHint: {
        key: `pass { key: <serde> } to ${kind}() (StreamJoined)`,
        value: `pass { ${valueOption}: <serde> } to ${kind}() (StreamJoined)`,
      },
    });
  };
  joinStore(thisStore, anySerde(valueSerde), "value", thisSupplier);
  joinStore(otherStore, anySerde(otherValueSerde), "otherValue", otherSupplier);
  if (outerStore !== undefined) {
    builder.addStore({
      name: outerStore,
      keySerde: anySerde(derivedSerde(keySerde, "key", timestampedKeyAndJoinSideSerde)),
      valueSerde: anySerde(
        derivedSerde(valueSerde, "value", (left) =>
          derivedSerde(otherValueSerde, "value", (right) => leftOrRightValueListSerde(left, right)),
        ),
      ),
      // The shared store takes the join's kind, else that of this side's supplier.
      ...(persistent !== undefined ? { persistent } : kindOf(thisSupplier?.persistent)),
      ...logged,
      serdeHint: `pass { key, value, otherValue } to ${kind}() (StreamJoined)`,
    });
  }

  builder.addProcessor({
    name: thisWindowedName,
    operation: "join-window",
    supplier: joinWindowSupplier(thisStore) as AnySupplier,
    parents: [thisSide.name],
    stores: [thisStore],
  });
  builder.addProcessor({
    name: otherWindowedName,
    operation: "join-window",
    supplier: joinWindowSupplier(otherStore) as AnySupplier,
    parents: [otherSide.name],
    stores: [otherStore],
  });
  const trackers = new JoinTimeTrackers();
  const outerStores = outerStore === undefined ? [] : [outerStore];
  builder.addProcessor({
    name: joinThisName,
    operation: kind,
    supplier: streamJoinSideSupplier({
      leftSide: true,
      otherStoreName: otherStore,
      windows,
      joiner: spec.joiner,
      outer: leftOuter,
      outerStoreName: outerStore,
      trackers,
    }) as AnySupplier,
    parents: [thisWindowedName],
    stores: [otherStore, ...outerStores],
  });
  builder.addProcessor({
    name: joinOtherName,
    operation: kind,
    supplier: streamJoinSideSupplier({
      leftSide: false,
      otherStoreName: thisStore,
      windows,
      joiner: spec.joiner,
      outer: rightOuter,
      outerStoreName: outerStore,
      trackers,
    }) as AnySupplier,
    parents: [otherWindowedName],
    stores: [thisStore, ...outerStores],
  });
  // Both sides' join nodes take null keys in a left or outer join: Kafka Streams labels the one join node both feed.
  if (leftOuter) {
    markNullKeyRelaxedJoin(builder, joinThisName);
    markNullKeyRelaxedJoin(builder, joinOtherName);
  }
  builder.addProcessor({
    name: mergeName,
    operation: "merge",
    supplier: passThroughSupplier() as AnySupplier,
    parents: [joinThisName, joinOtherName],
    selfJoin: {
      thisWindowed: thisWindowedName,
      otherWindowed: otherWindowedName,
      joinThis: joinThisName,
      joinOther: joinOtherName,
      thisStore,
      unusedStores: [otherStore, ...outerStores],
      supplier: streamSelfJoinSupplier(thisStore, windows, spec.joiner as (l: V, r: V, k: K) => VR) as AnySupplier,
    },
  });
  return { name: mergeName, keySerde };
}

/** Kafka Streams' assertUniqueStoreNames and assertWindowSettings, on the suppliers StreamJoined gives, with their messages. */
function checkStoreSuppliers(
  thisSupplier: WindowStoreSupplier | undefined,
  otherSupplier: WindowStoreSupplier | undefined,
  windows: JoinWindows,
): void {
  if (thisSupplier !== undefined && otherSupplier !== undefined && thisSupplier.name === otherSupplier.name) {
    throw new InvalidOperationError(
      `Both StoreSuppliers have the same name.  StoreSuppliers must provide unique names (both join stores are named "${thisSupplier.name}")`,
    );
  }
  for (const supplier of [thisSupplier, otherSupplier]) {
    if (supplier === undefined) continue;
    if (!supplier.retainDuplicates) {
      throw new InvalidOperationError(
        `The StoreSupplier must set retainDuplicates=true, found retainDuplicates=false (window store "${supplier.name}" of a join)`,
      );
    }
    if (supplier.retentionMs !== windows.size() + windows.gracePeriodMs() || supplier.windowSizeMs !== windows.size()) {
      throw new InvalidOperationError(
        `Window settings mismatch. WindowBytesStoreSupplier settings (window store "${supplier.name}": retention ${supplier.retentionMs} ms, size ${supplier.windowSizeMs} ms) must match JoinWindows settings (retention ${windows.size() + windows.gracePeriodMs()} ms, size ${windows.size()} ms) for the window size and retention period`,
      );
    }
  }
}
