// The stream as a join needs it: through a repartition topic first if its key changed
// (named `<prefix>-repartition`, after the join's name or the stream's node). An unnamed
// repartition is shared by the joins of one stream, as in Kafka Streams
// (KStreamImpl.repartitionNode): each KStream keeps one of these.
import type { Serde } from "../../serdes/serde.js";
import type { StreamState } from "./dsl-state.js";
import { addRepartition, repartitionNames } from "./repartition.js";

export interface JoinSideOptions<K, V> {
  /** The join's name (with its side's suffix), undefined for a generated one. */
  readonly userPrefix: string | undefined;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  /** The DSL call, for the errors about missing serdes. */
  readonly call: string;
}

export class JoinRepartition {
  // A key-changed stream joined twice without a join name shares one repartition topic.
  #source: string | undefined;

  /** The state of `state`'s stream as the join reads it. */
  of<K, V>(state: StreamState<K, V>, options: JoinSideOptions<K, V>): StreamState<K, V> {
    if (!state.repartitionRequired) return state;
    const { userPrefix } = options;
    const names = repartitionNames(state.builder, userPrefix ?? state.name);
    const key = options.keySerde ?? state.keySerde;
    const value = options.valueSerde ?? state.valueSerde;
    let source = this.#source;
    if (source === undefined || userPrefix !== undefined) {
      source = addRepartition(state.builder, names, {
        parent: state.name,
        keySerde: key,
        valueSerde: value,
        serdeOrigin: options.call,
      });
      if (userPrefix === undefined) this.#source = source;
    }
    return {
      ...state,
      name: source,
      keySerde: key,
      valueSerde: value,
      sourceNodes: new Set([source]),
      repartitionRequired: false,
    };
  }
}
