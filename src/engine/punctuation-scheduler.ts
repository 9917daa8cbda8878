// Punctuation schedules of one task and one clock, as Kafka Streams' PunctuationQueue
// and PunctuationSchedule:
// - a stream-time schedule is aligned to 0, so it fires on the first record and then
//   every `interval` of stream time; a wall-clock one first fires `interval` after it
//   was scheduled;
// - a due schedule fires once per check, with the current time (not the scheduled
//   one), then moves to its next time after now: punctuations missed during a gap
//   (no records, a stalled clock) are skipped, not replayed in a burst.
import type { Cancellable, Punctuator } from "../topology/processor.js";

export interface PunctuationSchedule {
  readonly node: string;
  readonly interval: number;
  readonly punctuator: Punctuator;
  next: number;
  readonly sequence: number;
  cancelled: boolean;
}

export class PunctuationScheduler {
  #schedules: PunctuationSchedule[] = [];
  #sequence = 0;

  /** No schedule (cancelled ones count until the next punctuate()): the executor skips punctuate() per record. */
  get isEmpty(): boolean {
    return this.#schedules.length === 0;
  }

  get size(): number {
    return this.#schedules.filter((schedule) => !schedule.cancelled).length;
  }

  schedule(node: string, interval: number, first: number, punctuator: Punctuator): Cancellable {
    if (!Number.isFinite(interval) || interval < 1) {
      throw new RangeError(`A punctuation interval must be at least 1 ms, got ${interval} (processor ${node})`);
    }
    const schedule: PunctuationSchedule = {
      node,
      interval,
      punctuator,
      next: first,
      sequence: this.#sequence++,
      cancelled: false,
    };
    this.#schedules.push(schedule);
    return {
      cancel: () => {
        schedule.cancelled = true;
      },
    };
  }

  /**
   * Fires every schedule due at `now`, earliest first (ties in scheduling order), each
   * through `fire` so the caller sets the processor context. Returns how many fired.
   */
  async punctuate(now: number, fire: (schedule: PunctuationSchedule, now: number) => Promise<void>): Promise<number> {
    let fired = 0;
    const due = this.#schedules
      .filter((schedule) => !schedule.cancelled && schedule.next <= now)
      .sort((a, b) => a.next - b.next || a.sequence - b.sequence);
    for (const schedule of due) {
      if (schedule.cancelled) continue;
      const missed = Math.floor((now - schedule.next) / schedule.interval);
      schedule.next += (missed + 1) * schedule.interval;
      await fire(schedule, now);
      fired++;
    }
    this.#schedules = this.#schedules.filter((schedule) => !schedule.cancelled);
    return fired;
  }
}
