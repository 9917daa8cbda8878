// Kafka Streams' SlidingWindows: windows of a fixed time difference that slide with the
// records instead of the clock. Two records belong to one window when their timestamps are
// at most `timeDifferenceMs` apart; a window [start, end] holds both bounds. Each record
// makes its left window [t - difference, t] and, when later records fall after it, its right
// window [t + 1, t + 1 + difference], so only windows whose contents differ exist. A window
// accepts records until stream time passes its end + grace. Durations are milliseconds.
import { InvalidOperationError } from "../errors.js";

export class SlidingWindows {
  readonly #timeDifferenceMs: number;
  readonly #graceMs: number;

  private constructor(timeDifferenceMs: number, graceMs: number) {
    if (!Number.isSafeInteger(timeDifferenceMs) || timeDifferenceMs < 0) {
      throw new InvalidOperationError(
        `Window time difference must not be negative: a whole number of milliseconds >= 0, got ${String(timeDifferenceMs)}`,
      );
    }
    if (!Number.isSafeInteger(graceMs) || graceMs < 0) {
      throw new InvalidOperationError(
        `Window grace period must not be negative: a whole number of milliseconds >= 0, got ${String(graceMs)}`,
      );
    }
    this.#timeDifferenceMs = timeDifferenceMs;
    this.#graceMs = graceMs;
  }

  /** Windows of records at most `timeDifferenceMs` apart that close at their end: a record after it is late. */
  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): SlidingWindows {
    return new SlidingWindows(timeDifferenceMs, 0);
  }

  /** Windows of records at most `timeDifferenceMs` apart that accept late records until `graceMs` after their end. */
  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): SlidingWindows {
    return new SlidingWindows(timeDifferenceMs, graceMs);
  }

  timeDifferenceMs(): number {
    return this.#timeDifferenceMs;
  }

  gracePeriodMs(): number {
    return this.#graceMs;
  }

  equals(other: unknown): boolean {
    return (
      other instanceof SlidingWindows &&
      other.#timeDifferenceMs === this.#timeDifferenceMs &&
      other.#graceMs === this.#graceMs
    );
  }

  toString(): string {
    return `SlidingWindows{, sizeMs=${this.#timeDifferenceMs}, graceMs=${this.#graceMs}}`;
  }
}
