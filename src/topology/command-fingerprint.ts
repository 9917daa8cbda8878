// What an idempotency key remembers of its command, to tell a retry (the same command
// again) from a new command sent with a key already used: a SHA-256 of the command
// value in a canonical form, so that the same JSON with its fields in another order
// is the same command, whichever client serialized it.
import { createHash } from "node:crypto";

function canonical(value: unknown, depth: number): unknown {
  if (depth > 64) return "…";
  if (value === null || typeof value !== "object") {
    if (typeof value === "bigint") return { $bigint: value.toString() };
    if (typeof value === "number" && !Number.isFinite(value)) return { $number: String(value) };
    return value ?? null;
  }
  if (Buffer.isBuffer(value) || value instanceof Uint8Array)
    return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map((item) => canonical(item, depth + 1));
  if (value instanceof Map)
    return { $map: [...value.entries()].map(([k, v]) => [canonical(k, depth + 1), canonical(v, depth + 1)]) };
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const field = (value as Record<string, unknown>)[key];
    if (field !== undefined) sorted[key] = canonical(field, depth + 1);
  }
  return sorted;
}

/** The fingerprint of a command value: equal for equal commands, whatever their field order. */
export function commandFingerprint(value: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify(canonical(value, 0)), "utf8")
    .digest("base64url");
}
