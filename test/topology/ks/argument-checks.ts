// How the ports of Kafka Streams' argument checks assert: where Java's call throws
// NullPointerException("<what> can't be null") or a TopologyException for an illegal store
// name, Eddy's throws its typed InvalidOperationError (a TopologyError) naming the same thing.
import { expect } from "vitest";
import { InvalidOperationError, TopologyError } from "../../../src/topology/errors.js";

/** An argument a JavaScript caller may leave null where TypeScript would not. */
export const absent = null as never;

/** Kafka Streams' INVALID_STORE_NAME. */
export const INVALID_STORE_NAME = "~foo bar~";

/** The call is refused with Eddy's typed error, its code, and a message that names the argument. */
export function expectRefused(call: () => unknown, message: string | RegExp): void {
  let thrown: unknown;
  try {
    call();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InvalidOperationError);
  expect(thrown).toBeInstanceOf(TopologyError);
  expect((thrown as InvalidOperationError).code).toBe("EDDY_ERR_INVALID_OPERATION");
  expect((thrown as Error).message).toMatch(message);
}

/** A store name Kafka Streams' Materialized.as() refuses, named in the message. */
export const illegalStoreName = `State store name "${INVALID_STORE_NAME}" is illegal`;

/** Kafka Streams' "<what> can't be null", at the start of the message. */
export function cannotBeNull(what: string): RegExp {
  return new RegExp(`^${what} can't be null: `);
}
