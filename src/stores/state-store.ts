// What every state store is, whatever its type: Kafka Streams' StateStore. Processors get
// the typed interface of their store's type (key-value, window, session) from
// context.getStateStore().
export interface StateStore {
  readonly name: string;
}
