// KStream's argument checks, made when the operation is called as Kafka Streams' KStreamImpl
// makes them (Objects.requireNonNull(x, "<what> can't be null")): a JavaScript caller may
// pass null or undefined where TypeScript would not. An options object may be omitted, as
// Kafka Streams' overloads without a Named or Produced, but not given as null: it is then
// refused under the name of what Kafka Streams would have been given.
import { InvalidOperationError } from "../errors.js";
import { requireFunction } from "./dsl-arguments.js";
import { GlobalKTable } from "./global-ktable.js";
import { JoinWindows } from "./join-windows.js";

/** Fails with "<what> can't be null" unless `options` is omitted or an object. */
export function requireOptions(options: unknown, what: string, operation: string): void {
  if (options === undefined || (typeof options === "object" && options !== null)) return;
  throw new InvalidOperationError(
    `${what} can't be null: ${operation}() takes an options object or none, got ${String(options)}`,
  );
}

/** Fails with "<what> can't be null" when `value` is null or undefined. */
export function requireArgument(value: unknown, what: string, operation: string, needs: string): void {
  if (value === null || value === undefined) {
    throw new InvalidOperationError(`${what} can't be null: ${operation}() needs ${needs}, got ${String(value)}`);
  }
}

/** A stateless operation's function and its Named. */
export function checkOperation(fn: unknown, what: string, options: unknown, operation: string): void {
  requireFunction(fn, what, operation);
  requireOptions(options, "named", operation);
}

/** merge(): the other stream and the Named. */
export function checkMerge(other: unknown, options: unknown): void {
  requireArgument(other, "stream", "merge", "the stream to merge");
  requireOptions(options, "named", "merge");
}

/** groupBy(): the key selector and the Grouped. */
export function checkGroupBy(selector: unknown, options: unknown): void {
  requireFunction(selector, "keySelector", "groupBy");
  requireOptions(options, "grouped", "groupBy");
}

/** to(): a topic name or a function picking one, and the Produced. */
export function checkTo(topic: unknown, options: unknown): void {
  if (typeof topic !== "string" && typeof topic !== "function") {
    throw new InvalidOperationError(
      `topic can't be null: to() needs a topic name or a function choosing one, got ${String(topic)}`,
    );
  }
  requireOptions(options, "produced", "to");
}

/** process() and processValues(): the supplier, the Named and the names of the stores it opens. */
export function checkProcess(supplier: unknown, options: unknown, operation: string): void {
  if (typeof supplier !== "function" && (typeof supplier !== "object" || supplier === null)) {
    throw new InvalidOperationError(
      `processorSupplier can't be null: ${operation}() needs a processor supplier, got ${String(supplier)}`,
    );
  }
  requireOptions(options, "named", operation);
  if (options === undefined || !("stores" in (options as object))) return;
  const stores = (options as { stores: unknown }).stores;
  if (stores === undefined) return;
  if (!Array.isArray(stores)) {
    throw new InvalidOperationError(
      `stateStoreNames can't be a null array: ${operation}()'s stores must list store names, got ${String(stores)}`,
    );
  }
  for (const store of stores) {
    if (typeof store !== "string") {
      throw new InvalidOperationError(
        `stateStoreNames can't be null: ${operation}() got the store name ${String(store)}`,
      );
    }
  }
}

/**
 * A join's arguments, in the three shapes join() and leftJoin() take (outerJoin() the first
 * only): (otherStream, joiner, windows, streamJoined), (table, joiner, joined) and
 * (globalTable, keySelector, joiner, named). With the first argument missing, the shape is
 * told by the others, as Java's overloads are told by their static types.
 */
export function checkJoin(
  operation: string,
  isStream: boolean,
  other: unknown,
  second: unknown,
  third: unknown,
  fourth: unknown,
): void {
  const missing = other === null || other === undefined;
  if (isStream || (missing && third instanceof JoinWindows)) {
    requireArgument(other, "otherStream", operation, "the stream to join");
    // A ValueJoinerWithKey may be an object: what is neither is refused by the join itself.
    requireArgument(second, "joiner", operation, "a joiner");
    requireArgument(third, "windows", operation, "JoinWindows");
    requireOptions(fourth, "streamJoined", operation);
  } else if (other instanceof GlobalKTable || (missing && typeof third === "function")) {
    requireArgument(other, "globalTable", operation, "the global table to join");
    requireFunction(second, "keySelector", operation);
    requireFunction(third, "joiner", operation);
    requireOptions(fourth, "named", operation);
  } else {
    requireArgument(other, "table", operation, "the table to join");
    requireFunction(second, "joiner", operation);
    requireOptions(third, "joined", operation);
  }
}
