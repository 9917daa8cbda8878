// Which sessions a session store holds, per key and per segment, kept in memory beside
// the store by its one writer (as window-row-index.ts does for windows). A session
// aggregation looks up a key's sessions for every record: Kafka Streams answers from its
// CachingSessionStore merged with a RocksDB segment's range scan; here the index names
// the sessions (most records find none, or the one they extend) and the record cache
// their values, without a LevelDB iterator per record. The segments name an expired
// segment's sessions, dropped without a scan of the store (its rows are laid out by key).
//
// It is exact: built by one scan of the store when its writer first writes (the rows a
// restore or an earlier owner left), then kept by the writer's puts and deletes. Past
// `maxRows` it gives up (answers undefined from then on), and the store scans as
// without it.
import { DEFAULT_MAX_INDEXED_ROWS } from "./window-row-index.js";

export interface IndexedSession {
  /** The record key's bytes as latin1. */
  readonly keyRow: string;
  /** The store key's bytes as latin1 (the record cache's key for the session). */
  readonly row: string;
  readonly start: number;
  readonly end: number;
}

const NONE: readonly IndexedSession[] = [];

/** The store's order of one key's sessions, by end, then start, as their big-endian bytes compare. */
function compareTimes(a: number, b: number): number {
  // A negative time's two's-complement bytes sort after every positive one's.
  if (a < 0 !== b < 0) return a < 0 ? 1 : -1;
  return a - b;
}

export function compareSessions(a: IndexedSession, b: IndexedSession): number {
  return compareTimes(a.end, b.end) || compareTimes(a.start, b.start);
}

export class SessionIndex {
  readonly #segmentIntervalMs: number;
  readonly #maxRows: number;
  /** Per key row, its sessions in the store's order. */
  readonly #byKey = new Map<string, IndexedSession[]>();
  readonly #bySegment = new Map<number, Set<IndexedSession>>();
  #rows = 0;
  #overflowed = false;

  constructor(segmentIntervalMs: number, maxRows = DEFAULT_MAX_INDEXED_ROWS) {
    this.#segmentIntervalMs = segmentIntervalMs;
    this.#maxRows = maxRows;
  }

  /** Whether the index still knows every session (it gave up past maxRows). */
  get complete(): boolean {
    return !this.#overflowed;
  }

  get rows(): number {
    return this.#rows;
  }

  /** The key's sessions, by end then start (none: empty); undefined once the index gave up. */
  sessionsOf(keyRow: string): readonly IndexedSession[] | undefined {
    if (this.#overflowed) return undefined;
    return this.#byKey.get(keyRow) ?? NONE;
  }

  /** Whether the store holds the session; undefined once the index gave up. */
  has(keyRow: string, start: number, end: number): boolean | undefined {
    if (this.#overflowed) return undefined;
    const sessions = this.#byKey.get(keyRow);
    if (sessions === undefined) return false;
    for (const session of sessions) if (session.start === start && session.end === end) return true;
    return false;
  }

  add(session: IndexedSession): void {
    if (this.#overflowed) return;
    let sessions = this.#byKey.get(session.keyRow);
    if (sessions === undefined) {
      sessions = [];
      this.#byKey.set(session.keyRow, sessions);
    }
    // A key holds few sessions (those within its gap of each other merge): a linear insert.
    let at = sessions.length;
    while (at > 0) {
      const order = compareSessions(sessions[at - 1]!, session);
      if (order === 0) return;
      if (order < 0) break;
      at -= 1;
    }
    sessions.splice(at, 0, session);
    const segment = this.#segmentOf(session.end);
    let members = this.#bySegment.get(segment);
    if (members === undefined) {
      members = new Set();
      this.#bySegment.set(segment, members);
    }
    members.add(session);
    this.#rows += 1;
    if (this.#rows > this.#maxRows) this.#giveUp();
  }

  remove(keyRow: string, start: number, end: number): void {
    if (this.#overflowed) return;
    const sessions = this.#byKey.get(keyRow);
    if (sessions === undefined) return;
    const at = sessions.findIndex((session) => session.start === start && session.end === end);
    if (at < 0) return;
    const [session] = sessions.splice(at, 1);
    if (sessions.length === 0) this.#byKey.delete(keyRow);
    const segment = this.#segmentOf(end);
    const members = this.#bySegment.get(segment);
    members?.delete(session!);
    if (members?.size === 0) this.#bySegment.delete(segment);
    this.#rows -= 1;
  }

  /**
   * Forgets the sessions of segments before `minLiveSegment` and returns them, for the
   * store to drop; undefined once the index gave up (the store must scan for them).
   */
  takeBefore(minLiveSegment: number): IndexedSession[] | undefined {
    if (this.#overflowed) return undefined;
    const expired: IndexedSession[] = [];
    for (const [segment, members] of this.#bySegment) {
      if (segment >= minLiveSegment) continue;
      for (const session of members) {
        expired.push(session);
        const sessions = this.#byKey.get(session.keyRow);
        if (sessions === undefined) continue;
        const at = sessions.indexOf(session);
        if (at >= 0) sessions.splice(at, 1);
        if (sessions.length === 0) this.#byKey.delete(session.keyRow);
      }
      this.#rows -= members.size;
      this.#bySegment.delete(segment);
    }
    return expired;
  }

  #segmentOf(end: number): number {
    return Math.floor(end / this.#segmentIntervalMs);
  }

  #giveUp(): void {
    this.#overflowed = true;
    this.#byKey.clear();
    this.#bySegment.clear();
    this.#rows = 0;
  }
}
