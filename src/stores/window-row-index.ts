// Which rows a window (or session) store holds, by segment, kept in memory beside the
// store by its one writer. Two things need it, both on the hot path of a windowed
// aggregation:
// - a read of a window the store does not hold (most records open a new window) is
//   answered "absent" without a LevelDB read: the record cache knows the windows written
//   lately, the index every other one;
// - the windows of an expired segment are deleted by name, without a scan of the store
//   (its rows are laid out by key, not by time, so the scan would read every row).
// It is exact: built by one scan of the store when its writer first writes (the rows a
// restore or an earlier owner left), then kept by the writer's puts and deletes. A
// store's rows are bounded by its retention, and the index by `maxRows` too: past it, it
// gives up (answers "unknown" from then on), and the store reads and scans as without it.
export const DEFAULT_MAX_INDEXED_ROWS = 500_000;

export class WindowRowIndex {
  readonly #maxRows: number;
  /** Row keys (the store key's bytes as latin1) per segment id. */
  readonly #segments = new Map<number, Set<string>>();
  #rows = 0;
  #overflowed = false;
  // The segment last asked about and its rows: a record's window is asked about, then added,
  // and the next records' windows mostly fall in the same segment.
  #lastSegment = Number.NaN;
  #lastRows: Set<string> | undefined;

  constructor(maxRows = DEFAULT_MAX_INDEXED_ROWS) {
    this.#maxRows = maxRows;
  }

  /** Whether the index still knows every row (it gave up past maxRows). */
  get complete(): boolean {
    return !this.#overflowed;
  }

  get rows(): number {
    return this.#rows;
  }

  /** Whether the row is in the store; undefined once the index gave up. */
  has(segment: number, row: string): boolean | undefined {
    if (this.#overflowed) return undefined;
    return this.#rowsOf(segment)?.has(row) ?? false;
  }

  add(segment: number, row: string): void {
    if (this.#overflowed) return;
    let rows = this.#rowsOf(segment);
    if (rows === undefined) {
      rows = new Set();
      this.#segments.set(segment, rows);
      this.#lastRows = rows;
    }
    const before = rows.size;
    rows.add(row);
    if (rows.size === before) return;
    this.#rows += 1;
    if (this.#rows > this.#maxRows) this.#giveUp();
  }

  remove(segment: number, row: string): void {
    if (this.#overflowed) return;
    const rows = this.#rowsOf(segment);
    if (rows?.delete(row) === true) {
      this.#rows -= 1;
      if (rows.size === 0) this.#forget(segment);
    }
  }

  /**
   * Forgets the segments before `minLiveSegment` and returns their rows, for the store to
   * delete; undefined once the index gave up (the store must scan for them).
   */
  takeBefore(minLiveSegment: number): string[] | undefined {
    if (this.#overflowed) return undefined;
    const expired: string[] = [];
    for (const [segment, rows] of this.#segments) {
      if (segment >= minLiveSegment) continue;
      for (const row of rows) expired.push(row);
      this.#rows -= rows.size;
      this.#forget(segment);
    }
    return expired;
  }

  #rowsOf(segment: number): Set<string> | undefined {
    if (segment !== this.#lastSegment) {
      this.#lastSegment = segment;
      this.#lastRows = this.#segments.get(segment);
    }
    return this.#lastRows;
  }

  #forget(segment: number): void {
    this.#segments.delete(segment);
    if (segment === this.#lastSegment) this.#lastRows = undefined;
  }

  #giveUp(): void {
    this.#overflowed = true;
    this.#lastRows = undefined;
    this.#segments.clear();
    this.#rows = 0;
  }
}
