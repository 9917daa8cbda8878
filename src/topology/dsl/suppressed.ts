// Kafka Streams' Suppressed and BufferConfig: how KTable.suppress() holds a table's updates back.
// untilWindowCloses(config) emits each window's final result once stream time passes its end
// plus the upstream windows' grace; untilTimeLimit(ms, config) emits a key's latest update once
// stream time is `ms` past the first update buffered for it. A bounded buffer that fills emits
// its earliest entries early (EagerBufferConfig) or stops the application (StrictBufferConfig).
import type { Windowed } from "../../serdes/windowed.js";
import { InvalidOperationError } from "../errors.js";

/** What a full buffer does: emit its earliest entries early, or stop the application. */
export type BufferFullStrategy = "emit" | "shutDown";

const UNBOUNDED = Number.MAX_SAFE_INTEGER;

function checkLimit(what: string, limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new InvalidOperationError(`${what} must be a whole number >= 0, got ${String(limit)}`);
  }
  return limit;
}

/** A suppression buffer's bounds and what it does when they are reached. */
export abstract class BufferConfig {
  readonly recordLimit: number;
  readonly byteLimit: number;
  readonly loggingEnabled: boolean;
  abstract readonly fullStrategy: BufferFullStrategy;

  protected constructor(recordLimit: number, byteLimit: number, loggingEnabled: boolean) {
    this.recordLimit = recordLimit;
    this.byteLimit = byteLimit;
    this.loggingEnabled = loggingEnabled;
  }

  /** At most `recordLimit` keys buffered, then the earliest are emitted early. */
  static maxRecords(recordLimit: number): EagerBufferConfig {
    return new EagerBufferConfig(checkLimit("maxRecords", recordLimit), UNBOUNDED, true);
  }

  /** At most `byteLimit` bytes buffered (Kafka Streams' estimate), then the earliest are emitted early. */
  static maxBytes(byteLimit: number): EagerBufferConfig {
    return new EagerBufferConfig(UNBOUNDED, checkLimit("maxBytes", byteLimit), true);
  }

  /** No bound: the buffer grows as needed (the only strict config that never fills). */
  static unbounded(): StrictBufferConfig {
    return new StrictBufferConfig(UNBOUNDED, UNBOUNDED, true);
  }

  /** The same bound and strategy, with this record limit. */
  abstract withMaxRecords(recordLimit: number): BufferConfig;
  /** The same bound and strategy, with this byte limit. */
  abstract withMaxBytes(byteLimit: number): BufferConfig;
  /** The buffer is not changelogged: after a restart its entries are gone (emitted never). */
  abstract withLoggingDisabled(): BufferConfig;
  abstract withLoggingEnabled(): BufferConfig;

  /** No bound at all. */
  withNoBound(): StrictBufferConfig {
    return new StrictBufferConfig(UNBOUNDED, UNBOUNDED, this.loggingEnabled);
  }

  /** When full, stop the application rather than emit early (results stay final). */
  shutDownWhenFull(): StrictBufferConfig {
    return new StrictBufferConfig(this.recordLimit, this.byteLimit, this.loggingEnabled);
  }

  /** When full, emit the earliest entries early (results may not be final). */
  emitEarlyWhenFull(): EagerBufferConfig {
    return new EagerBufferConfig(this.recordLimit, this.byteLimit, this.loggingEnabled);
  }
}

export class EagerBufferConfig extends BufferConfig {
  readonly fullStrategy = "emit" as const;

  /** @internal Made by BufferConfig.maxRecords() / maxBytes() / emitEarlyWhenFull(). */
  constructor(recordLimit: number, byteLimit: number, loggingEnabled: boolean) {
    super(recordLimit, byteLimit, loggingEnabled);
  }

  withMaxRecords(recordLimit: number): EagerBufferConfig {
    return new EagerBufferConfig(checkLimit("maxRecords", recordLimit), this.byteLimit, this.loggingEnabled);
  }

  withMaxBytes(byteLimit: number): EagerBufferConfig {
    return new EagerBufferConfig(this.recordLimit, checkLimit("maxBytes", byteLimit), this.loggingEnabled);
  }

  withLoggingDisabled(): EagerBufferConfig {
    return new EagerBufferConfig(this.recordLimit, this.byteLimit, false);
  }

  withLoggingEnabled(): EagerBufferConfig {
    return new EagerBufferConfig(this.recordLimit, this.byteLimit, true);
  }
}

export class StrictBufferConfig extends BufferConfig {
  readonly fullStrategy = "shutDown" as const;

  /** @internal Made by BufferConfig.unbounded() / shutDownWhenFull() / withNoBound(). */
  constructor(recordLimit: number, byteLimit: number, loggingEnabled: boolean) {
    super(recordLimit, byteLimit, loggingEnabled);
  }

  withMaxRecords(recordLimit: number): StrictBufferConfig {
    return new StrictBufferConfig(checkLimit("maxRecords", recordLimit), this.byteLimit, this.loggingEnabled);
  }

  withMaxBytes(byteLimit: number): StrictBufferConfig {
    return new StrictBufferConfig(this.recordLimit, checkLimit("maxBytes", byteLimit), this.loggingEnabled);
  }

  withLoggingDisabled(): StrictBufferConfig {
    return new StrictBufferConfig(this.recordLimit, this.byteLimit, false);
  }

  withLoggingEnabled(): StrictBufferConfig {
    return new StrictBufferConfig(this.recordLimit, this.byteLimit, true);
  }
}

/** How KTable.suppress() holds updates back. `K` is the table's key (windowed for untilWindowCloses). */
export class Suppressed<K> {
  /** "windowCloses": final results of windows; "timeLimit": a key's latest update after a quiet period. */
  readonly kind: "windowCloses" | "timeLimit";
  readonly name: string | undefined;
  /** untilTimeLimit's wait, in ms of stream time (untilWindowCloses takes the windows' grace). */
  readonly timeToWaitForMoreEventsMs: number;
  readonly bufferConfig: BufferConfig;
  declare readonly _key?: (key: K) => void;

  private constructor(
    kind: "windowCloses" | "timeLimit",
    name: string | undefined,
    waitMs: number,
    bufferConfig: BufferConfig,
  ) {
    this.kind = kind;
    this.name = name;
    this.timeToWaitForMoreEventsMs = waitMs;
    this.bufferConfig = bufferConfig;
  }

  /** Each window's final result, once, when stream time passes the window's end + grace. */
  static untilWindowCloses<K extends Windowed<unknown>>(bufferConfig: StrictBufferConfig): Suppressed<K> {
    if (!(bufferConfig instanceof StrictBufferConfig)) {
      throw new InvalidOperationError(
        "untilWindowCloses() needs a strict buffer config, that never emits early: BufferConfig.unbounded() or BufferConfig.maxRecords(n).shutDownWhenFull()",
      );
    }
    return new Suppressed<K>("windowCloses", undefined, 0, bufferConfig);
  }

  /** A key's latest update, once stream time is `timeToWaitForMoreEventsMs` past its first buffered update. */
  static untilTimeLimit<K>(timeToWaitForMoreEventsMs: number, bufferConfig: BufferConfig): Suppressed<K> {
    if (!Number.isSafeInteger(timeToWaitForMoreEventsMs) || timeToWaitForMoreEventsMs < 0) {
      throw new InvalidOperationError(
        `untilTimeLimit()'s timeToWaitForMoreEvents must be a whole number of milliseconds >= 0, got ${String(timeToWaitForMoreEventsMs)}`,
      );
    }
    if (!(bufferConfig instanceof BufferConfig)) {
      throw new InvalidOperationError(
        "untilTimeLimit() needs a BufferConfig: BufferConfig.maxRecords(n), maxBytes(n) or unbounded()",
      );
    }
    return new Suppressed<K>("timeLimit", undefined, timeToWaitForMoreEventsMs, bufferConfig);
  }

  /** Names the suppression's processor (and its store, `<name>-store`). */
  withName(name: string): Suppressed<K> {
    return new Suppressed<K>(this.kind, name, this.timeToWaitForMoreEventsMs, this.bufferConfig);
  }
}
