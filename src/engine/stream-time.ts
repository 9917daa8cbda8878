// A task's stream time, as Kafka Streams tracks it: the largest timestamp among the
// records the task has taken for processing. It never goes back, so an out-of-order
// record does not rewind stream-time punctuators. -1 means "no record yet".
export class StreamTime {
  #value = -1;

  get value(): number {
    return this.#value;
  }

  /** Takes a record's timestamp into account; returns the (possibly unchanged) stream time. */
  observe(timestamp: number): number {
    if (timestamp > this.#value) this.#value = timestamp;
    return this.#value;
  }
}
