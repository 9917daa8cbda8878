// The session store's reads that scan its bytes: one key's sessions by a range scan (for
// readers without the writer's index: queries, and the writer before its first write),
// and every key's sessions by end (an aggregation emitting on window close). Rows in the
// store's order, their values as bytes.
import type { KeyValueBytesStore } from "./key-value-store.js";
import {
  SESSION_SUFFIX_SIZE,
  sessionEndOf,
  sessionKeyBytesOf,
  sessionStartOf,
  sessionStoreKey,
} from "./session-key-schema.js";

export interface ScannedSession {
  /** The record key's bytes (a copy for scanByEnd, a view otherwise). */
  readonly key: Buffer;
  readonly start: number;
  readonly end: number;
  readonly value: Buffer;
}

/** `keyBytes`'s sessions that end at or after `earliestEnd` (>= 0) and start at or before `latestStart`, by end, then start. */
export async function* scanKeySessions(
  bytes: KeyValueBytesStore,
  keyBytes: Buffer,
  earliestEnd: number,
  latestStart: number,
): AsyncIterableIterator<ScannedSession> {
  // Ends from the earliest on; a longer key that starts with the same bytes falls in the range too.
  const range = {
    gte: sessionStoreKey(keyBytes, 0, earliestEnd),
    lte: sessionStoreKey(keyBytes, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  };
  for await (const [storeKey, value] of bytes.iterate(range)) {
    if (storeKey.length !== keyBytes.length + SESSION_SUFFIX_SIZE) continue;
    if (storeKey.compare(keyBytes, 0, keyBytes.length, 0, keyBytes.length) !== 0) continue;
    const end = sessionEndOf(storeKey);
    const start = sessionStartOf(storeKey);
    if (end < earliestEnd || start > latestStart) continue;
    yield { key: keyBytes, start, end, value };
  }
}

/**
 * Every key's sessions that end in [earliestEnd, latestEnd], by end, then start, then key
 * bytes: the order of Kafka Streams' time-ordered session store. The store is laid out by
 * key: the range is read whole (one scan) before the first is returned.
 */
export async function scanByEnd(
  bytes: KeyValueBytesStore,
  earliestEnd: number,
  latestEnd: number,
): Promise<ScannedSession[]> {
  const found: ScannedSession[] = [];
  for await (const [storeKey, value] of bytes.iterate({})) {
    if (storeKey.length < SESSION_SUFFIX_SIZE) continue;
    const end = sessionEndOf(storeKey);
    if (end < earliestEnd || end > latestEnd) continue;
    found.push({ key: Buffer.from(sessionKeyBytesOf(storeKey)), start: sessionStartOf(storeKey), end, value });
  }
  return found.sort((a, b) => a.end - b.end || a.start - b.start || Buffer.compare(a.key, b.key));
}
