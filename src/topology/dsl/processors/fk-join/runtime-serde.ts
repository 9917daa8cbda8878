// The foreign-key join serializes keys and values itself (to hash rows, to build the
// subscription store's keys), with serdes that may be the configuration's defaults: a
// placeholder the builder left is resolved here, once, when the processor starts.
import { MissingSerdeError } from "../../../errors.js";
import { resolveSerde } from "../../../default-serdes.js";
import type { ProcessorContext } from "../../../processor.js";
import type { Serde, SerdeContext } from "../../../../serdes/serde.js";

export function runtimeSerde<T>(
  serde: Serde<T>,
  part: "key" | "value",
  context: Pick<ProcessorContext<unknown, unknown>, "keySerde" | "valueSerde">,
  node: string,
): Serde<T> {
  const resolved = resolveSerde(serde, { key: context.keySerde(), value: context.valueSerde() });
  if (resolved === undefined) {
    throw new MissingSerdeError(
      node,
      part,
      `The foreign-key join ${node} has no ${part} serde: give the tables' serdes, or set default${part === "key" ? "Key" : "Value"}Serde`,
    );
  }
  return resolved;
}

/**
 * Kafka Streams serializes foreign keys, primary keys and value hashes "for" pseudo topics
 * named after the registration topic (`<applicationId>-<registration topic>-fk`): a serde
 * that looks at the topic sees the same name as in a Java application.
 */
export function pseudoTopicContext(context: SerdeContext, applicationId: string): SerdeContext {
  return context.topic === undefined ? context : { ...context, topic: `${applicationId}-${context.topic}` };
}
