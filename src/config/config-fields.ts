// The fields of the KafkaStreams config as data, read off the zod schema itself: their
// kind (what an environment variable's text must be turned into), allowed values and
// defaults. The config loader and the README's configuration reference both use it, so
// neither can drift from the schema.
import { tmpdir } from "node:os";
import type { z } from "zod";
import { streamsConfigSchema } from "./streams-config.js";

export type ConfigFieldKind = "string" | "number" | "boolean" | "enum" | "servers" | "object" | "list" | "records";

export interface ConfigField {
  /** The dotted path: `applicationId`, `sasl.username`. */
  readonly path: string;
  readonly kind: ConfigFieldKind;
  readonly required: boolean;
  /** The value zod fills in when the field is absent. */
  readonly defaultValue: unknown;
  /** The allowed values of an enum. */
  readonly values: readonly string[] | undefined;
  /** The fields of an object (sasl). */
  readonly fields: readonly ConfigField[] | undefined;
  /** An object that may also be given as true or false (ssl: true), its variable read as a boolean. */
  readonly acceptsBoolean?: boolean;
}

interface ZodDef {
  type: string;
  element?: ZodLike;
  innerType?: ZodLike;
  in?: ZodLike;
  defaultValue?: unknown;
  entries?: Record<string, string>;
  shape?: Record<string, ZodLike>;
  options?: readonly ZodLike[];
}

interface ZodLike {
  _zod: { def: ZodDef };
}

function describe(path: string, schema: ZodLike): ConfigField {
  let required = true;
  let defaultValue: unknown;
  let current: ZodLike | undefined = schema;
  // Unwrap default(), optional() and pipes down to the type the value must have.
  while (current !== undefined) {
    const def: ZodDef = current._zod.def;
    if (def.type === "default") {
      required = false;
      defaultValue = typeof def.defaultValue === "function" ? (def.defaultValue as () => unknown)() : def.defaultValue;
      current = def.innerType;
    } else if (def.type === "optional") {
      required = false;
      current = def.innerType;
    } else if (def.type === "pipe") {
      current = def.in;
    } else {
      break;
    }
  }
  const def = current?._zod.def;
  switch (def?.type) {
    case "number":
      return { path, kind: "number", required, defaultValue, values: undefined, fields: undefined };
    case "boolean":
      return { path, kind: "boolean", required, defaultValue, values: undefined, fields: undefined };
    case "enum":
      return {
        path,
        kind: "enum",
        required,
        defaultValue,
        values: Object.values(def.entries ?? {}),
        fields: undefined,
      };
    case "union": {
      // A name or, in code, a function or an object (timestamp extractors, serdes).
      const names = def.options?.find((option) => option._zod.def.type === "enum")?._zod.def.entries;
      if (names !== undefined) {
        return { path, kind: "enum", required, defaultValue, values: Object.values(names), fields: undefined };
      }
      // ssl: true, false, or an object of settings.
      const object = def.options?.find((option) => option._zod.def.type === "object");
      if (object !== undefined) {
        const acceptsBoolean = def.options?.some((option) => option._zod.def.type === "boolean") === true;
        return { ...describe(path, object), required, defaultValue, acceptsBoolean };
      }
      // bootstrapServers: a comma-separated string or an array of host:port.
      return { path, kind: "servers", required, defaultValue, values: undefined, fields: undefined };
    }
    case "array": {
      // A list of objects (apiTokens) is JSON in a variable; a list of words is comma-separated.
      const item = def.element === undefined ? undefined : describe(path, def.element);
      if (item?.kind === "object")
        return { path, kind: "records", required, defaultValue, values: undefined, fields: undefined };
      return { path, kind: "list", required, defaultValue, values: item?.values, fields: undefined };
    }
    case "object":
      return {
        path,
        kind: "object",
        required,
        defaultValue,
        values: undefined,
        fields: Object.entries(def.shape ?? {}).map(([name, field]) => describe(`${path}.${name}`, field)),
      };
    default:
      return { path, kind: "string", required, defaultValue, values: undefined, fields: undefined };
  }
}

let cached: readonly ConfigField[] | undefined;

/** Every top-level field of the KafkaStreams config, in the schema's order. */
export function configFields(): readonly ConfigField[] {
  cached ??= Object.entries((streamsConfigSchema as unknown as z.ZodObject).shape).map(([name, schema]) =>
    describe(name, schema as unknown as ZodLike),
  );
  return cached;
}

/** The field at a dotted path, nested ones included. */
export function configField(path: string): ConfigField | undefined {
  const [top, ...rest] = path.split(".");
  let field = configFields().find((f) => f.path === top);
  for (const part of rest) field = field?.fields?.find((f) => f.path.endsWith(`.${part}`));
  return field;
}

/** `applicationId` -> `EDDY_APPLICATION_ID`; `sasl.username` -> `EDDY_SASL_USERNAME`. */
export function envVarName(path: string, prefix = "EDDY_"): string {
  return (
    prefix +
    path
      .replace(/\./g, "_")
      .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
      .toUpperCase()
  );
}

/** A default as the docs show it: the temporary directory named as such, not as this machine has it. */
export function displayDefault(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string")
    return value.startsWith(tmpdir()) ? `<os tmpdir>${value.slice(tmpdir().length)}` : value;
  return JSON.stringify(value);
}
