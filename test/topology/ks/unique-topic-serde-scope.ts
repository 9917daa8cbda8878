// Kafka Streams' UniqueTopicSerdeScope (streams/src/test/.../utils/): serdes decorated so
// that each serialization records the topic it was told, `<topic>--key` or
// `<topic>--value`, and checks that a topic only ever carries one type of data. Ports use
// it to check which topics the user's serdes see, as the Java tests do.
import { expect } from "vitest";
import type { Serde, SerdeContext } from "../../../src/serdes/serde.js";

function typeOf(data: unknown): string {
  return typeof data === "object" && data !== null ? (data.constructor?.name ?? "Object") : typeof data;
}

export class UniqueTopicSerdeScope {
  readonly #topicTypeRegistry = new Map<string, string>();

  decorateSerde<T>(delegate: Serde<T>, isKey: boolean): Serde<T> {
    return {
      name: delegate.name,
      serialize: (data: T, context?: SerdeContext): Buffer => {
        this.#verifyTopic(context?.topic, data, isKey);
        return delegate.serialize(data, context);
      },
      deserialize: (bytes: Buffer, context?: SerdeContext): T => delegate.deserialize(bytes, context),
    };
  }

  /** The topics seen, sorted (the Java registry is a TreeMap). */
  registeredTopics(): Set<string> {
    return new Set([...this.#topicTypeRegistry.keys()].sort());
  }

  #verifyTopic(topic: string | undefined, data: unknown, isKey: boolean): void {
    if (data === null || data === undefined) return;
    // Java concatenates a null topic as "null": a serialization told no topic shows as one.
    const key = `${topic ?? "null"}${isKey ? "--key" : "--value"}`;
    const type = typeOf(data);
    const registered = this.#topicTypeRegistry.get(key);
    if (registered === undefined) this.#topicTypeRegistry.set(key, type);
    else expect(registered, `key[${key}] data[${String(data)}][${type}]`).toBe(type);
  }
}
