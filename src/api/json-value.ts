// Store values in JSON answers. Most serdes give plain JSON data; MessagePack and the
// bytes and bigint serdes can give values JSON.stringify rejects (bigint) or renders
// uselessly (a Buffer as {"type":"Buffer","data":[...]}). Those become strings:
// bigints in decimal, bytes in base64, dates in ISO 8601; Maps become objects and Sets
// arrays.

/** Serdes whose values are always plain JSON data: no replacer needed (it costs ~2x). */
const PLAIN_JSON_SERDES = new Set(["string", "json", "zod", "long", "int32", "double"]);

function replacer(this: unknown, key: string, value: unknown): unknown {
  // JSON.stringify has already called toJSON() on Buffers and Dates; read the raw holder value.
  const raw = (this as Record<string, unknown>)[key];
  if (typeof raw === "bigint") return raw.toString();
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("base64");
  if (raw instanceof Map) return Object.fromEntries(raw);
  if (raw instanceof Set) return [...raw];
  return value;
}

/** JSON text of a store value (or key) read through a serde with this name. */
export function toJsonText(value: unknown, serde: string): string {
  if (PLAIN_JSON_SERDES.has(serde)) {
    try {
      return JSON.stringify(value) ?? "null";
    } catch {
      // A zod schema with a transform may still produce a bigint.
    }
  }
  return JSON.stringify(value, replacer) ?? "null";
}

/** The value as plain JSON data (for answers built as objects). */
export function toJsonData(value: unknown, serde: string): unknown {
  if (PLAIN_JSON_SERDES.has(serde)) return value;
  return JSON.parse(toJsonText(value, serde)) as unknown;
}
