// Checks of the functions a DSL call is given, made when the topology is described rather
// than when the first record arrives (Kafka Streams' Objects.requireNonNull in KStreamImpl):
// a missing predicate or mapper is a mistake in the code, best reported where it was made.
import { InvalidOperationError } from "../errors.js";

/** Fails with "<what> can't be null" (Kafka Streams' wording) unless `fn` is a function. */
export function requireFunction(fn: unknown, what: string, operation: string): void {
  if (typeof fn !== "function") {
    throw new InvalidOperationError(`${what} can't be null: ${operation}() needs a function, got ${String(fn)}`);
  }
}

/** Fails with "other can't be null" (Kafka Streams' wording) unless `table` is a table. */
export function requireTable(table: unknown, operation: string): void {
  if (typeof table !== "object" || table === null) {
    throw new InvalidOperationError(
      `other can't be null: ${operation}() needs the table to join, got ${String(table)}`,
    );
  }
}
