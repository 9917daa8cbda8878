// A JSON Schema (as the OpenAPI document carries it) written as a TypeScript-like type,
// for people: `{ store: string; partition?: integer; stale: boolean }`, one property a
// line with its description as a comment. Depth and width are bounded: a page describes
// the API, it does not echo a hostile or enormous schema in full.
type Schema = Record<string, unknown>;

const MAX_DEPTH = 6;
const MAX_PROPERTIES = 60;

export function schemaText(schema: unknown, indent = ""): string {
  return write(asSchema(schema), indent, 0);
}

function asSchema(value: unknown): Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Schema) : {};
}

function write(schema: Schema, indent: string, depth: number): string {
  if (depth > MAX_DEPTH) return "…";
  if (typeof schema.$ref === "string") return schema.$ref.split("/").pop() ?? schema.$ref;
  if ("const" in schema) return JSON.stringify(schema.const) ?? "unknown";
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      return options.map((option) => write(asSchema(option), indent, depth + 1)).join(" | ");
    }
  }
  if (Array.isArray(schema.allOf))
    return schema.allOf.map((part) => write(asSchema(part), indent, depth + 1)).join(" & ");
  const types = Array.isArray(schema.type) ? (schema.type as unknown[]) : [schema.type];
  const written = types
    .filter((type): type is string => typeof type === "string")
    .map((type) => writeType(type, schema, indent, depth));
  return written.length === 0
    ? schema.properties === undefined
      ? "unknown"
      : writeObject(schema, indent, depth)
    : written.join(" | ");
}

function writeType(type: string, schema: Schema, indent: string, depth: number): string {
  if (type === "object") return writeObject(schema, indent, depth);
  if (type === "array") {
    const item = write(asSchema(schema.items), indent, depth + 1);
    return item.includes(" ") && !item.startsWith("{") ? `(${item})[]` : `${item}[]`;
  }
  const bounds: string[] = [];
  for (const [key, label] of [
    ["minimum", "≥"],
    ["exclusiveMinimum", ">"],
    ["maximum", "≤"],
    ["exclusiveMaximum", "<"],
    ["minLength", "length ≥"],
    ["maxLength", "length ≤"],
  ] as const) {
    const bound = schema[key];
    // zod bounds every integer by the safe range: not worth a reader's attention.
    if (typeof bound === "number" && Math.abs(bound) !== Number.MAX_SAFE_INTEGER)
      bounds.push(`${label} ${String(bound)}`);
  }
  if (typeof schema.format === "string") bounds.push(schema.format);
  return bounds.length === 0 ? type : `${type} (${bounds.join(", ")})`;
}

function writeObject(schema: Schema, indent: string, depth: number): string {
  const properties = Object.entries(asSchema(schema.properties));
  const required = new Set(Array.isArray(schema.required) ? (schema.required as unknown[]) : []);
  const extra = schema.additionalProperties;
  if (properties.length === 0) {
    return typeof extra === "object" && extra !== null
      ? `{ [key: string]: ${write(asSchema(extra), indent, depth + 1)} }`
      : "object";
  }
  const inner = `${indent}  `;
  const lines = properties.slice(0, MAX_PROPERTIES).map(([name, value]) => {
    const property = asSchema(value);
    const comment =
      typeof property.description === "string" ? `${inner}// ${property.description.replace(/\s+/g, " ")}\n` : "";
    const key = /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
    return `${comment}${inner}${key}${required.has(name) ? "" : "?"}: ${write(property, inner, depth + 1)};`;
  });
  if (properties.length > MAX_PROPERTIES) lines.push(`${inner}// … ${properties.length - MAX_PROPERTIES} more`);
  return `{\n${lines.join("\n")}\n${indent}}`;
}
