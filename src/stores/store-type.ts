// The kinds of state store, as Kafka Streams has them. The type decides how a store's
// bytes are laid out (its keys and values), how they travel on its changelog topic
// (changelog-format.ts) and which typed interface processors and queries get.
export type StoreType =
  /** KeyValueStore: one value per key. */
  | "keyValue"
  /** WindowStore: values per key and window start (window-key-schema.ts). */
  | "window"
  /** SessionStore: values per key and session [start, end] (session-key-schema.ts). */
  | "session"
  /** VersionedKeyValueStore (KIP-889): every version of a key for the history retention (versioned-key-schema.ts). */
  | "versioned"
  /** suppress()'s buffer: serialized keys to buffered changes (suppression-buffer-format.ts). */
  | "buffer";

/** What a store's bytes look like: its type, and whether its values carry their timestamp. */
export interface StoreLayout {
  readonly type: StoreType;
  /** Values are stored as ValueAndTimestamp (8-byte timestamp, then the value). */
  readonly timestamped: boolean;
}
