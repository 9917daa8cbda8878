// Uniform error messages for serdes: they name the serde and where the bytes were
// going to or coming from, because the runtime puts the message in a dead-letter
// header and a human must find the producer from it.
import { DeserializationError, SerializationError } from "./errors.js";
import type { SerdeContext } from "./serde.js";

export function describeContext(context: SerdeContext | undefined): string {
  if (context === undefined) return "";
  const part = context.part ?? "data";
  // A store's serdes are told its changelog topic too; the store is what a reader knows.
  if (context.store !== undefined) return ` the ${part} of store "${context.store}"`;
  if (context.topic !== undefined) return ` the ${part} of topic "${context.topic}"`;
  return context.part === undefined ? "" : ` the ${part}`;
}

export function deserializationError(
  serde: string,
  reason: string,
  context: SerdeContext | undefined,
  details?: unknown,
  cause?: unknown,
): DeserializationError {
  return new DeserializationError(
    `Serdes.${serde}() cannot deserialize${describeContext(context)}: ${reason}`,
    context ?? {},
    details,
    cause === undefined ? undefined : { cause },
  );
}

export function serializationError(
  serde: string,
  reason: string,
  context: SerdeContext | undefined,
  details?: unknown,
  cause?: unknown,
): SerializationError {
  return new SerializationError(
    `Serdes.${serde}() cannot serialize${describeContext(context)}: ${reason}`,
    context ?? {},
    details,
    cause === undefined ? undefined : { cause },
  );
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return `a string`;
  return typeof value === "object" ? `an object (${value.constructor?.name ?? "null prototype"})` : `a ${typeof value}`;
}
