// Kafka Streams' SessionWindows: a key's records closer together than the inactivity gap
// make one session [first record's time, last record's time]; a record between two
// sessions that it brings within the gap merges them. A session accepts records until
// stream time passes its end + gap + grace. Durations are milliseconds.
import { InvalidOperationError } from "../errors.js";

export class SessionWindows {
  readonly #gapMs: number;
  readonly #graceMs: number;

  private constructor(gapMs: number, graceMs: number) {
    if (!Number.isSafeInteger(gapMs) || gapMs <= 0) {
      throw new InvalidOperationError("Gap time cannot be zero or negative.");
    }
    if (!Number.isSafeInteger(graceMs) || graceMs < 0) {
      throw new InvalidOperationError("Grace period must not be negative.");
    }
    this.#gapMs = gapMs;
    this.#graceMs = graceMs;
  }

  /** Sessions that close at their end + gap: a record after that is late. */
  static ofInactivityGapWithNoGrace(inactivityGapMs: number): SessionWindows {
    return new SessionWindows(inactivityGapMs, 0);
  }

  /** Sessions that accept late records until `graceMs` after their end + gap. */
  static ofInactivityGapAndGrace(inactivityGapMs: number, graceMs: number): SessionWindows {
    return new SessionWindows(inactivityGapMs, graceMs);
  }

  inactivityGap(): number {
    return this.#gapMs;
  }

  gracePeriodMs(): number {
    return this.#graceMs;
  }

  equals(other: unknown): boolean {
    return other instanceof SessionWindows && other.#gapMs === this.#gapMs && other.#graceMs === this.#graceMs;
  }

  toString(): string {
    return `SessionWindows{gapMs=${this.#gapMs}, graceMs=${this.#graceMs}}`;
  }
}
