// A task's flush on its way to the broker while processing goes on, as Kafka's producer
// sends in the background: at most one at a time. A failed send dooms the task's work;
// it is remembered here and reported by the next record processed, or by the commit.
import type { ProducedOffsets, ProducedRecord } from "../kafka/types.js";

export class InflightFlush {
  #inflight: Promise<void> | undefined;
  #error: unknown;

  constructor(private readonly send: (records: ProducedRecord[]) => Promise<ProducedOffsets[]>) {}

  /** What made a send fail (or a record be refused), undefined while all went well. */
  get error(): unknown {
    return this.#error;
  }

  /** The task's work cannot be committed: the first such error is the one reported. */
  fail(error: unknown): void {
    this.#error ??= error;
  }

  /** Sends `records` once the flush before is done, unless a send failed; `beforeSend` runs just before. */
  async start(records: ProducedRecord[], beforeSend?: () => void): Promise<void> {
    await this.#inflight;
    if (this.#error !== undefined) return;
    beforeSend?.();
    this.#inflight = this.send(records).then(
      () => undefined,
      (error: unknown) => {
        this.#error ??= error;
      },
    );
  }

  /** Waits for the flush in flight; rethrows what made it fail. */
  async settle(): Promise<void> {
    const inflight = this.#inflight;
    this.#inflight = undefined;
    await inflight;
    if (this.#error !== undefined) throw this.#error;
  }

  /** Waits for the flush in flight and forgets how it went: the work it carried is dropped. */
  async drop(): Promise<void> {
    await this.#inflight;
    this.#inflight = undefined;
    this.#error = undefined;
  }

  /** A task starting afresh forgets the failure of its last run. */
  forget(): void {
    this.#error = undefined;
  }
}
