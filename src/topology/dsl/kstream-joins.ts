// The joins a KStream starts with another stream or a table, as Kafka Streams'
// KStreamImpl.doJoin and doStreamTableJoin: each stream goes through a repartition topic
// first if its key changed (join-repartition.ts), then the join's nodes are added
// (stream-stream-join.ts, stream-table-joins.ts), co-partitioned.
import type { Serde } from "../../serdes/serde.js";
import { InvalidOperationError } from "../errors.js";
import type { JoinedOptions } from "./dsl-options.js";
import type { StreamState, TableState } from "./dsl-state.js";
import type { JoinRepartition } from "./join-repartition.js";
import { JoinWindows } from "./join-windows.js";
import { addStreamStreamJoin } from "./stream-stream-join.js";
import type { StreamJoinKind } from "./stream-stream-join.js";
import { joinerFunction } from "./stream-joined.js";
import type { StreamJoinedOptions, StreamJoiner } from "./stream-joined.js";
import { addStreamTableJoin } from "./stream-table-joins.js";

/** A stream about to be joined, with the repartition its unnamed joins share. */
export interface JoinSide<K, V> {
  readonly state: StreamState<K, V>;
  readonly repartition: JoinRepartition;
}

/** Adds the stream-stream join of `mine` with `other` (of the same builder); the joined stream. */
export function joinStreams<K, V, VO, VR>(
  mine: JoinSide<K, V>,
  other: JoinSide<K, VO>,
  joiner: StreamJoiner<K, V, VO, VR> | StreamJoiner<K, V | null, VO | null, VR>,
  windows: unknown,
  options: StreamJoinedOptions<K, V, VO> | undefined,
  kind: StreamJoinKind,
): StreamState<K, VR> {
  if (!(windows instanceof JoinWindows)) {
    throw new InvalidOperationError(
      `${kind}() of two streams needs JoinWindows, such as JoinWindows.ofTimeDifferenceWithNoGrace(ms)`,
    );
  }
  const join = joinerFunction(joiner as StreamJoiner<K, V | null, VO | null, VR>, `${kind}()`);
  const name = options?.name;
  const thisSide = repartitionForJoin(
    mine,
    name === undefined ? undefined : `${name}-left`,
    options?.key,
    options?.value,
    `${kind}()`,
  );
  const otherSide = repartitionForJoin(
    other,
    name === undefined ? undefined : `${name}-right`,
    options?.key,
    options?.otherValue,
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
  mine.state.builder.addCopartitionGroup(result.name, sourceNodes);
  return {
    builder: mine.state.builder,
    name: result.name,
    // Only StreamJoined's key serde goes on, as in Kafka Streams (KStreamImplJoin).
    keySerde: options?.key,
    valueSerde: undefined,
    sourceNodes,
    repartitionRequired: false,
  };
}

/** Adds the join of `mine` with the table; the joined stream. */
export function joinTable<K, V, VT, VR>(
  mine: JoinSide<K, V>,
  tableState: TableState<K, VT>,
  joiner: (value: V, tableValue: VT | null, key: K) => VR,
  leftJoin: boolean,
  options: JoinedOptions<K, V> | undefined,
): StreamState<K, VR> {
  if (tableState.builder !== mine.state.builder)
    throw new InvalidOperationError("join() needs a table of the same StreamsBuilder");
  // Kafka Streams names the topic after the join's name, else after this stream's node.
  const state = repartitionForJoin(
    mine,
    options?.name,
    options?.key,
    options?.value,
    leftJoin ? "leftJoin()" : "join()",
  );
  return addStreamTableJoin(state, tableState, joiner, leftJoin, options?.name, options?.gracePeriodMs);
}

/** The stream as a join needs it: through a repartition topic first if its key changed (see join-repartition.ts). */
function repartitionForJoin<K, V>(
  side: JoinSide<K, V>,
  userPrefix: string | undefined,
  keySerde: Serde<K> | undefined,
  valueSerde: Serde<V> | undefined,
  call: string,
): StreamState<K, V> {
  return side.repartition.of(side.state, { userPrefix, keySerde, valueSerde, call });
}
