// JSON validated by a zod schema. Deserialization failures carry the zod issues in
// `details`, so that a dead-letter record or a rejection reply can say which field
// was wrong.
import type { ZodType } from "zod";
import type { Serde, SerdeContext } from "./serde.js";
import { deserializationError, serializationError } from "./failures.js";
import { parseJson, serializeJson } from "./json.js";

export interface ZodSerde<T> extends Serde<T> {
  readonly schema: ZodType<T>;
}

/**
 * Serialize validates the value and writes it as given (not zod's parsed output), so
 * a schema with transforms is applied once, on read. Deserialize returns zod's output:
 * defaults filled in, unknown keys stripped unless the schema keeps them.
 */
export function zodSerde<T>(schema: ZodType<T>): ZodSerde<T> {
  return {
    name: "zod",
    schema,
    serialize(value: T, context?: SerdeContext): Buffer {
      const result = schema.safeParse(value);
      if (!result.success) {
        throw serializationError(
          "zod",
          `schema violation: ${summarize(result.error.issues)}`,
          context,
          result.error.issues,
        );
      }
      return serializeJson("zod", value, context);
    },
    deserialize(bytes: Buffer, context?: SerdeContext): T {
      const result = schema.safeParse(parseJson("zod", bytes, context));
      if (!result.success) {
        throw deserializationError(
          "zod",
          `schema violation: ${summarize(result.error.issues)}`,
          context,
          result.error.issues,
        );
      }
      return result.data;
    },
  };
}

interface Issue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

function summarize(issues: readonly Issue[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => (issue.path.length === 0 ? issue.message : `${issue.path.map(String).join(".")}: ${issue.message}`))
    .join("; ")
    .concat(issues.length > 3 ? ` (and ${issues.length - 3} more)` : "");
}
