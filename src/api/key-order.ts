// Scans answer in the one order every store has: the serialized keys, unsigned
// byte-wise (stores/bytes-order.ts). Entries from several tasks (and instances) are
// k-way merged in that order, and the page cursor is the last serialized key returned.
import { compareBytes } from "../stores/bytes-order.js";
import { InvalidCursorError } from "./errors.js";

export interface KeyedEntry {
  /** The serialized key: what orders, deduplicates and resumes a scan. */
  readonly keyBytes: Buffer;
}

/**
 * Merges lists that are each sorted by keyBytes into one sorted list of at most
 * `limit` entries, keeping the first of entries with equal keys. Few lists (one per
 * task or instance), so a linear pick of the smallest head beats a heap.
 */
export function mergeSortedByKey<T extends KeyedEntry>(lists: readonly (readonly T[])[], limit: number): T[] {
  const heads = lists.map(() => 0);
  const out: T[] = [];
  let last: Buffer | undefined;
  while (out.length < limit) {
    let best = -1;
    let bestEntry: T | undefined;
    for (let i = 0; i < lists.length; i += 1) {
      const entry = lists[i]?.[heads[i] ?? 0];
      if (entry === undefined) continue;
      if (bestEntry === undefined || compareBytes(entry.keyBytes, bestEntry.keyBytes) < 0) {
        best = i;
        bestEntry = entry;
      }
    }
    if (bestEntry === undefined) break;
    heads[best] = (heads[best] ?? 0) + 1;
    if (last !== undefined && compareBytes(bestEntry.keyBytes, last) === 0) continue;
    out.push(bestEntry);
    last = bestEntry.keyBytes;
  }
  return out;
}

/** True when some list still has an entry past the merged ones (there is a next page). */
export function hasMoreAfter<T extends KeyedEntry>(
  lists: readonly (readonly T[])[],
  last: Buffer | undefined,
): boolean {
  return lists.some((list) => {
    const tail = list[list.length - 1];
    return tail !== undefined && (last === undefined || compareBytes(tail.keyBytes, last) > 0);
  });
}

// The cursor is opaque to clients: a version letter and the base64url of the last key.
const CURSOR_VERSION = "k";

export function encodeCursor(lastKey: Buffer): string {
  return CURSOR_VERSION + lastKey.toString("base64url");
}

export function decodeCursor(cursor: string): Buffer {
  if (!cursor.startsWith(CURSOR_VERSION)) throw new InvalidCursorError("unknown version");
  const body = cursor.slice(CURSOR_VERSION.length);
  if (!/^[A-Za-z0-9_-]*$/.test(body)) throw new InvalidCursorError("not base64url");
  return Buffer.from(body, "base64url");
}
