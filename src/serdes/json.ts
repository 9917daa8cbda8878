// JSON as UTF-8 text, the format most non-Java producers write.
import type { Serde, SerdeContext } from "./serde.js";
import { deserializationError, errorMessage, serializationError } from "./failures.js";

export function serializeJson(serde: string, value: unknown, context: SerdeContext | undefined): Buffer {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    // A bigint, a cycle, or a throwing toJSON().
    throw serializationError(serde, errorMessage(error), context, undefined, error);
  }
  if (text === undefined) {
    throw serializationError(serde, `${typeof value} has no JSON representation`, context);
  }
  return Buffer.from(text, "utf8");
}

export function parseJson(serde: string, bytes: Buffer, context: SerdeContext | undefined): unknown {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw deserializationError(serde, `invalid JSON (${errorMessage(error)})`, context, undefined, error);
  }
}

export const jsonSerde: Serde<unknown> = {
  name: "json",
  serialize(value: unknown, context?: SerdeContext): Buffer {
    return serializeJson("json", value, context);
  },
  deserialize(bytes: Buffer, context?: SerdeContext): unknown {
    return parseJson("json", bytes, context);
  },
};
