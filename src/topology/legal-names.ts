// The one rule for names the user gives: Kafka's topic-name rules.
import { InvalidOperationError } from "./errors.js";

const LEGAL_NAME = /^[a-zA-Z0-9._-]+$/;
const MAX_NAME_LENGTH = 249;

/** Node, store and topic names end up in topic names, so Kafka's topic-name rules apply to all of them. */
export function checkName(name: string, what: string): string {
  if (
    typeof name !== "string" ||
    name.length === 0 ||
    name.length > MAX_NAME_LENGTH ||
    !LEGAL_NAME.test(name) ||
    name === "." ||
    name === ".."
  ) {
    throw new InvalidOperationError(
      `${what} ${JSON.stringify(name)} is illegal: use 1 to ${MAX_NAME_LENGTH} characters among ASCII letters, digits, ".", "_" and "-"`,
    );
  }
  return name;
}
