// When a windowed aggregation that emits on window close looks for closed windows (Kafka
// Streams' shouldEmitFinal): at most once per emit interval of wall-clock time (the internal
// config __emit.interval.ms.kstreams.windowed.aggregation__, 1 s by default; the
// TopologyTestDriver sets 0, so every record may emit), and only when the window close
// time moved past the last emit's, which outlives the task (see lastEmitWindowCloseTime).
import { EMIT_INTERVAL_CONFIG } from "../../internal-configs.js";
import type { ProcessorContext } from "../../processor.js";

const DEFAULT_EMIT_INTERVAL_MS = 1000;
const NO_TIMESTAMP = -1;

export class FinalResultThrottle {
  readonly #intervalMs: number;
  readonly #context: ProcessorContext<unknown, unknown>;
  readonly #storeName: string;
  #nextTimeToEmit = 0;
  /**
   * The window close time of the last emit; -1 before the first. Kept in the task's processor
   * metadata under the store's name, as Kafka Streams keeps it: committed with the offsets, so
   * that after a restart or a move of the task the windows emitted before the last commit are
   * not emitted again, and none closed since is skipped.
   */
  lastEmitWindowCloseTime = NO_TIMESTAMP;

  constructor(context: ProcessorContext<unknown, unknown>, storeName: string) {
    this.#context = context;
    this.#storeName = storeName;
    this.lastEmitWindowCloseTime = context.processorMetadataForKey(storeName) ?? NO_TIMESTAMP;
    const configured = context.appConfigs()[EMIT_INTERVAL_CONFIG];
    const interval = configured === undefined ? DEFAULT_EMIT_INTERVAL_MS : Number(configured);
    if (!Number.isFinite(interval) || interval < 0) {
      throw new RangeError(`${EMIT_INTERVAL_CONFIG} must be a number of milliseconds >= 0, got ${String(configured)}`);
    }
    this.#intervalMs = interval;
  }

  shouldEmit(now: number, windowCloseTime: number): boolean {
    if (now < this.#nextTimeToEmit) return false;
    // From now, so that a jump of the clock does not make every record emit.
    this.#nextTimeToEmit = now + this.#intervalMs;
    return this.lastEmitWindowCloseTime === NO_TIMESTAMP || this.lastEmitWindowCloseTime < windowCloseTime;
  }

  emitted(windowCloseTime: number): void {
    this.lastEmitWindowCloseTime = windowCloseTime;
    this.#context.addProcessorMetadataKeyValue(this.#storeName, windowCloseTime);
  }
}
