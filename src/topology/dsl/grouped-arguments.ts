// The argument checks of grouped streams, grouped tables, cogroups and their windowed
// forms, made when the operation is called as Kafka Streams' KGroupedStreamImpl,
// KGroupedTableImpl, CogroupedKStreamImpl and the windowed ones make them
// (Objects.requireNonNull(x, "<what> can't be null")), before any name is spent or node
// added. Eddy's one options object stands for Kafka Streams' Named and Materialized: given
// as null it is refused as a Materialized. A store name is checked here too, as Kafka
// Streams' Materialized.as() checks it, so that a bad one fails before the call adds nodes.
import { InvalidOperationError } from "../errors.js";
import { checkName } from "../legal-names.js";
import { SessionWindows } from "./session-windows.js";
import { SlidingWindows } from "./sliding-windows.js";
import { TimeWindows } from "./time-windows.js";

/**
 * The options of an aggregation: omitted or an object; its name, if given, not null (a
 * null Named); its store name, if given, legal (Materialized.as(name)).
 */
export function checkMaterialized(options: unknown, operation: string): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null) {
    throw new InvalidOperationError(
      `materialized can't be null: ${operation}() takes one options object (Kafka Streams' Named and Materialized) or none, got ${String(options)}`,
    );
  }
  const { name, store } = options as { name?: unknown; store?: unknown };
  if (name === null) {
    throw new InvalidOperationError(
      `named can't be null: ${operation}() got the name null; leave it out for a generated one`,
    );
  }
  if (store === null) {
    throw new InvalidOperationError(
      `materialized can't be null: ${operation}() got the store name null; leave it out for a generated one`,
    );
  }
  if (store !== undefined) checkName(store as string, "State store name");
}

/** A function the aggregation is given: its name in Kafka Streams and, if not "a function", what it is. */
export type AggregationFunction = readonly [fn: unknown, what: string, needs?: string];

/** Functions first, in Kafka Streams' order, then the options. */
export function checkAggregation(operation: string, functions: readonly AggregationFunction[], options: unknown): void {
  for (const [fn, what, needs = "a function"] of functions) {
    if (typeof fn !== "function") {
      throw new InvalidOperationError(`${what} can't be null: ${operation}() needs ${needs}, got ${String(fn)}`);
    }
  }
  checkMaterialized(options, operation);
}

/** A session aggregation's merger, as Kafka Streams names it. */
export function sessionMerger(merger: unknown): AggregationFunction {
  return [merger, "sessionMerger", "a merger function for the sessions a record joins"];
}

/** windowedBy(): TimeWindows, SlidingWindows or SessionWindows. */
export function checkWindows(windows: unknown): void {
  if (windows instanceof TimeWindows || windows instanceof SlidingWindows || windows instanceof SessionWindows) {
    return;
  }
  const missing = windows === null || windows === undefined;
  throw new InvalidOperationError(
    `${missing ? "windows can't be null: " : ""}windowedBy() needs TimeWindows, SlidingWindows or SessionWindows, got ${String(windows)}`,
  );
}
