// Kafka Streams' TimeWindows: fixed-size windows, tumbling (advance = size) or hopping
// (advance < size), aligned to the epoch. A record at time t belongs to every window
// [start, start + size) with start <= t < start + size; a window accepts records until
// stream time passes its end + grace, after which its records are late and dropped.
// Durations are milliseconds.
import type { Window } from "../../serdes/windowed.js";
import { InvalidOperationError } from "../errors.js";

function checkDuration(what: string, ms: number): number {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new InvalidOperationError(`${what} must be a whole number of milliseconds >= 0, got ${String(ms)}`);
  }
  return ms;
}

export class TimeWindows {
  readonly sizeMs: number;
  readonly advanceMs: number;
  readonly #graceMs: number;

  private constructor(sizeMs: number, advanceMs: number, graceMs: number) {
    if (sizeMs <= 0) throw new InvalidOperationError("Window size (sizeMs) must be larger than zero.");
    if (advanceMs <= 0 || advanceMs > sizeMs) {
      throw new InvalidOperationError(
        `Window advancement interval should be more than zero and less than window duration which is ${sizeMs} ms, but given advancement interval is: ${advanceMs} ms`,
      );
    }
    this.sizeMs = sizeMs;
    this.advanceMs = advanceMs;
    this.#graceMs = graceMs;
  }

  /** Tumbling windows of `sizeMs` that close at their end: a record after it is late. */
  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    return TimeWindows.ofSizeAndGrace(sizeMs, 0);
  }

  /** Tumbling windows of `sizeMs` that accept late records until `graceMs` after their end. */
  static ofSizeAndGrace(sizeMs: number, graceMs: number): TimeWindows {
    const size = checkDuration("The window size", sizeMs);
    return new TimeWindows(size, size, checkDuration("The grace period", graceMs));
  }

  /** Hopping windows: a new window every `advanceMs` (0 < advance <= size). */
  advanceBy(advanceMs: number): TimeWindows {
    return new TimeWindows(this.sizeMs, checkDuration("The advance", advanceMs), this.#graceMs);
  }

  size(): number {
    return this.sizeMs;
  }

  gracePeriodMs(): number {
    return this.#graceMs;
  }

  /** The windows a record at `timestamp` falls in, by start, oldest first (Kafka Streams' windowsFor). */
  windowsFor(timestamp: number): Map<number, Window> {
    let windowStart =
      Math.floor(Math.max(0, timestamp - this.sizeMs + this.advanceMs) / this.advanceMs) * this.advanceMs;
    const windows = new Map<number, Window>();
    while (windowStart <= timestamp) {
      windows.set(windowStart, { start: windowStart, end: windowStart + this.sizeMs });
      windowStart += this.advanceMs;
    }
    return windows;
  }

  equals(other: unknown): boolean {
    return (
      other instanceof TimeWindows &&
      other.sizeMs === this.sizeMs &&
      other.advanceMs === this.advanceMs &&
      other.#graceMs === this.#graceMs
    );
  }

  toString(): string {
    return `TimeWindows{, sizeMs=${this.sizeMs}, advanceMs=${this.advanceMs}, graceMs=${this.#graceMs}}`;
  }
}
