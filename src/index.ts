// The public API of Eddy. Everything not exported here (or from the ./broker and
// ./testing subpaths) is internal.
export const VERSION = "0.1.0";

// Serdes
export type { Serde, Serializer, Deserializer, SerdeContext } from "./topology/serde.js";
export { Serdes } from "./topology/serdes.js";
export type { LongSerde, ZodSerde } from "./topology/serdes.js";
export { DeserializationError, SerializationError } from "./topology/errors.js";

// State stores
export type {
  KeyValue,
  ReadOnlyKeyValueStore,
  KeyValueStore,
  KeyValueBytesStore,
  BytesRange,
} from "./stores/key-value-store.js";
export { InMemoryKeyValueBytesStore } from "./stores/in-memory-bytes-store.js";
export { TypedKeyValueStore } from "./stores/typed-key-value-store.js";
export { ReadOnlyKeyValueView } from "./stores/read-only-key-value-view.js";
export {
  StoreClosedError,
  StoreNotFoundError,
  InvalidStoreNameError,
  StateDirectoryLockedError,
  StateStoreError,
  InvalidCheckpointError,
  StateCommitInProgressError,
} from "./stores/errors.js";
