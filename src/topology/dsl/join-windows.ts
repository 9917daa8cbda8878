// Kafka Streams' JoinWindows: how far apart in time two records of a stream-stream join
// may be. A record of the left stream at time t joins the right records of its key in
// [t - before, t + after]; a right record at t joins the left ones in [t - after, t + before].
// A record arriving after stream time passed its window's end + grace is late: dropped.
// Both sides' stores keep records for before + after + grace. Durations are milliseconds;
// before or after may be negative (a window that does not contain t) as long as their sum is not.
import { InvalidOperationError } from "../errors.js";

function checkDuration(what: string, ms: number, allowNegative: boolean): number {
  if (!Number.isSafeInteger(ms) || (!allowNegative && ms < 0)) {
    throw new InvalidOperationError(
      `${what} must be a whole number of milliseconds${allowNegative ? "" : " >= 0"}, got ${String(ms)}`,
    );
  }
  return ms;
}

/** Kafka Streams' DEPRECATED_DEFAULT_24_HR_GRACE_PERIOD, of the deprecated JoinWindows.of(). */
const DEPRECATED_DEFAULT_24_HR_GRACE_PERIOD = 24 * 3_600_000;

export class JoinWindows {
  /** How far before a left record's time a right record may be. */
  readonly beforeMs: number;
  /** How far after a left record's time a right record may be. */
  readonly afterMs: number;
  readonly #graceMs: number;
  /**
   * False for windows made by the deprecated of() (and grace()): a left or outer join then
   * emits a record's null result at once, as Kafka Streams before 3.1, with no shared store.
   */
  readonly spuriousResultFix: boolean;

  private constructor(beforeMs: number, afterMs: number, graceMs: number, spuriousResultFix = true) {
    if (beforeMs + afterMs < 0) {
      throw new InvalidOperationError("Window interval (ie, beforeMs+afterMs) must not be negative.");
    }
    if (graceMs < 0) throw new InvalidOperationError("Grace period must not be negative.");
    this.beforeMs = beforeMs;
    this.afterMs = afterMs;
    this.#graceMs = graceMs;
    this.spuriousResultFix = spuriousResultFix;
  }

  /**
   * @deprecated Kafka Streams' JoinWindows.of: a grace of 24 h - 2 x the difference, and
   * left and outer joins' null results emitted at once (they may be spurious). Use
   * ofTimeDifferenceWithNoGrace / ofTimeDifferenceAndGrace.
   */
  static of(timeDifferenceMs: number): JoinWindows {
    const difference = checkDuration("The time difference", timeDifferenceMs, false);
    return new JoinWindows(
      difference,
      difference,
      Math.max(DEPRECATED_DEFAULT_24_HR_GRACE_PERIOD - difference * 2, 0),
      false,
    );
  }

  /** @deprecated Kafka Streams' grace(), only after of(): the windows accept records this long after their end. */
  grace(afterWindowEndMs: number): JoinWindows {
    if (this.spuriousResultFix) {
      throw new InvalidOperationError(
        "Cannot call grace() after setting grace value via ofTimeDifferenceAndGrace or ofTimeDifferenceWithNoGrace.",
      );
    }
    return new JoinWindows(
      this.beforeMs,
      this.afterMs,
      checkDuration("The grace period", afterWindowEndMs, false),
      false,
    );
  }

  /** Records at most `timeDifferenceMs` apart join; a record later than the window's end is dropped. */
  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): JoinWindows {
    return JoinWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }

  /** Records at most `timeDifferenceMs` apart join; a window accepts records until `afterWindowEndMs` after its end. */
  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, afterWindowEndMs: number): JoinWindows {
    const difference = checkDuration("The time difference", timeDifferenceMs, false);
    return new JoinWindows(difference, difference, checkDuration("The grace period", afterWindowEndMs, false));
  }

  /** The same windows with a right record allowed up to `timeDifferenceMs` before a left one. */
  before(timeDifferenceMs: number): JoinWindows {
    return new JoinWindows(
      checkDuration("The time difference", timeDifferenceMs, true),
      this.afterMs,
      this.#graceMs,
      this.spuriousResultFix,
    );
  }

  /** The same windows with a right record allowed up to `timeDifferenceMs` after a left one. */
  after(timeDifferenceMs: number): JoinWindows {
    return new JoinWindows(
      this.beforeMs,
      checkDuration("The time difference", timeDifferenceMs, true),
      this.#graceMs,
      this.spuriousResultFix,
    );
  }

  /** before + after: the size of the join stores' windows. */
  size(): number {
    return this.beforeMs + this.afterMs;
  }

  gracePeriodMs(): number {
    return this.#graceMs;
  }

  equals(other: unknown): boolean {
    return (
      other instanceof JoinWindows &&
      other.beforeMs === this.beforeMs &&
      other.afterMs === this.afterMs &&
      other.gracePeriodMs() === this.#graceMs
    );
  }

  toString(): string {
    return `JoinWindows{beforeMs=${this.beforeMs}, afterMs=${this.afterMs}, graceMs=${this.#graceMs}}`;
  }
}
