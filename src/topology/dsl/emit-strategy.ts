// When a windowed aggregation emits (Kafka Streams' EmitStrategy, KIP-825): on every update
// of a window (the default; the record cache may fold updates), or once, when the window
// closes (stream time past its end + grace), with its final result only.
import { InvalidOperationError } from "../errors.js";

export type StrategyType = "ON_WINDOW_UPDATE" | "ON_WINDOW_CLOSE";

export class EmitStrategy {
  static readonly #onWindowClose = new EmitStrategy("ON_WINDOW_CLOSE");
  static readonly #onWindowUpdate = new EmitStrategy("ON_WINDOW_UPDATE");

  readonly #type: StrategyType;

  private constructor(type: StrategyType) {
    this.#type = type;
  }

  /** Each window's final result once, when the window closes; no updates before. */
  static onWindowClose(): EmitStrategy {
    return EmitStrategy.#onWindowClose;
  }

  /** Every update of a window as it happens (folded by the record cache when the store is cached). */
  static onWindowUpdate(): EmitStrategy {
    return EmitStrategy.#onWindowUpdate;
  }

  type(): StrategyType {
    return this.#type;
  }

  get emitsOnWindowClose(): boolean {
    return this.#type === "ON_WINDOW_CLOSE";
  }
}

/** The same strategy checked: a DSL call given anything else fails at once (Kafka Streams' requireNonNull). */
export function emitStrategyOf(strategy: unknown): EmitStrategy {
  if (!(strategy instanceof EmitStrategy)) {
    throw new InvalidOperationError(
      `emitStrategy can't be null: emitStrategy() needs EmitStrategy.onWindowClose() or EmitStrategy.onWindowUpdate(), got ${String(strategy)}`,
    );
  }
  return strategy;
}
