// A Serde turns a typed value into the bytes that travel on a topic or sit in a store,
// and back. `null` is Kafka's "no value" (a tombstone) and never reaches a serde: the
// caller maps null <-> null itself, as Kafka Streams does.
export interface Serializer<T> {
  serialize(value: T, context?: SerdeContext): Buffer;
}

export interface Deserializer<T> {
  /** Throws a DeserializationError (see errors.ts) when the bytes are not a valid T. */
  deserialize(bytes: Buffer, context?: SerdeContext): T;
  /**
   * Optional: what deserialize(bytes.subarray(start, end)) returns (or throws), read where the
   * bytes lie. Sources use it for records as fetched, sparing a Buffer view per key and value.
   */
  deserializeAt?(bytes: Buffer, start: number, end: number, context?: SerdeContext): T;
}

export interface Serde<T> extends Serializer<T>, Deserializer<T> {
  /** A short name shown by describe(), GET /stores and error messages ("string", "json", "zod", ...). */
  readonly name: string;
}

/** Where the bytes come from or go to, for topic-aware serdes, error messages and dead-letter headers. */
export interface SerdeContext {
  /**
   * The topic, as Kafka Streams passes it to a Serializer or Deserializer: a source's or
   * sink's (an internal topic by its full name, `<applicationId>-<name>`); for a store's
   * serdes, its changelog topic, `<applicationId>-<store>-changelog` even without logging
   * (a global store's: its source topic; suppress()'s buffer too); the foreign-key join's
   * pseudo topics (`<registration topic>-fk`, `-pk`, `-vh`).
   */
  topic?: string;
  /** The store, for a store's serdes. */
  store?: string;
  part?: "key" | "value";
}
