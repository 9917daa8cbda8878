// A serializer told what it made of a value elsewhere. A table's flush forwards keys whose
// bytes its store made and kept, and the sink after it most often serializes them again with
// the same serde: a serde that remembers its last output (Serdes.string()) hands those bytes
// out instead of encoding the key anew. Only a serde that implements remember() takes part,
// and it compares the value itself, so a sink with another serde, or a key changed on the
// way, serializes as before.
import type { Serde } from "./serde.js";

export interface RememberingSerde<T> extends Serde<T> {
  /** `bytes` is what serialize(value) made (and the caller keeps them unchanged). */
  remember(value: T, bytes: Buffer): void;
}

/** Tells `serde` that `bytes` is its serialization of `value`, when it remembers such things. */
export function rememberSerialized<T>(serde: Serde<T>, value: T, bytes: Buffer): void {
  (serde as Partial<RememberingSerde<T>>).remember?.(value, bytes);
}
