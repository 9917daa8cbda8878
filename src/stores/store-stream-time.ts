// A store's observed stream time (Kafka Streams' observedStreamTime of its segmented and
// versioned stores), kept by the task's storage so that everything touching one store
// goes by one clock: the task's writer advances it, a restore and a standby advance it
// with the records they apply, interactive queries expire windows by it, and a standby's
// storage handed over to the active task carries it along.

/** One store's clock: the latest time it observed (-1 before any). */
export interface StreamTimeCell {
  time: number;
  /** The first segment still live when expired rows were last dropped by a restore or standby. */
  cleanedBelowSegment: number;
}

export const NO_STREAM_TIME = -1;

/** The clocks of one task's stores, by store name, created at first use. */
export class StoreStreamTimes {
  readonly #cells = new Map<string, StreamTimeCell>();

  of(store: string): StreamTimeCell {
    let cell = this.#cells.get(store);
    if (cell === undefined) {
      cell = { time: NO_STREAM_TIME, cleanedBelowSegment: 0 };
      this.#cells.set(store, cell);
    }
    return cell;
  }

  /** The store's stream time (-1 when nothing was observed yet). */
  get(store: string): number {
    return this.#cells.get(store)?.time ?? NO_STREAM_TIME;
  }
}
